using Klusterkluck.Api.Data;
using Microsoft.AspNetCore.Antiforgery;

namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>
/// <c>/account/login</c>: the embedded provider's sign-in page. A good password starts the
/// provider's session and goes on to the return URL (usually the authorization request that sent
/// the user here); a wrong one shows the page again with the username kept.
/// </summary>
internal static class LoginPage
{
    public static async Task<IResult> ShowAsync(HttpContext http, IAntiforgery antiforgery, StoreContext store, UserRegistration registration,
        string? returnUrl, CancellationToken cancellationToken)
    {
        // Nowhere to go on to: say who is signed in, rather than offering a form that leads nowhere.
        if (!ReturnUrls.IsLocal(returnUrl) && await ProviderCookie.UserAsync(http, store, cancellationToken) is { } user)
        {
            return AccountHtml.Page("Signed in", null)
                .Text($"You are signed in as {user.UserName}.")
                .Link(EmbeddedEndSessionEndpoint.Path, "Sign out")
                .ToResult();
        }
        return Render(http, antiforgery, registration, ReturnUrls.Local(returnUrl), null, null);
    }

    public static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, UserPasswords passwords,
        UserRegistration registration, CancellationToken cancellationToken)
    {
        var form = await AccountForms.ReadAsync(http, antiforgery, cancellationToken);
        var username = form.Value("username");
        var returnUrl = ReturnUrls.Local(form.Value(ReturnUrls.Parameter));
        if (form.Forged)
        {
            return Render(http, antiforgery, registration, returnUrl, username, AccountForms.ForgedMessage, StatusCodes.Status400BadRequest);
        }
        var user = await passwords.VerifyAsync(username.Trim(), form.Value("password"), cancellationToken);
        if (user is null)
        {
            var problem = AuthProblem.InvalidCredentials;
            return Render(http, antiforgery, registration, returnUrl, username, problem.Title, problem.Status);
        }
        await ProviderCookie.SignInAsync(http, user);
        return Results.Redirect(returnUrl);
    }

    private static IResult Render(HttpContext http, IAntiforgery antiforgery, UserRegistration registration, string returnUrl,
        string? username, string? error, int status = StatusCodes.Status200OK)
    {
        var page = AccountHtml.Page("Sign in", error)
            .Form(AccountPaths.Login, AccountForms.Token(http, antiforgery), returnUrl)
            .Field("username", "Username", "text", "username", username, null, autofocus: true)
            .Field("password", "Password", "password", "current-password", null, null)
            .Submit("Sign in");
        if (registration.Mode != RegistrationMode.Closed)
        {
            page.Link(AccountPaths.Register + QueryString.Create(ReturnUrls.Parameter, returnUrl), "Create an account");
        }
        return page.ToResult(status);
    }
}
