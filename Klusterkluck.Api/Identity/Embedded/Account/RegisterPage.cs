using System.ComponentModel.DataAnnotations;
using Klusterkluck.Api.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>
/// <c>/account/register</c>: registration as <c>POST /api/v1/auth/register</c> does it (the same
/// request, validation, policy and tenant), then signed in and on to the return URL. Each
/// problem is shown beside the field it is about, the rest at the top; what the user typed is
/// kept, except the password.
/// </summary>
internal static class RegisterPage
{
    private sealed record Errors(Dictionary<string, string> Fields, string? General);

    public static IResult Show(HttpContext http, IAntiforgery antiforgery, UserRegistration registration, string? returnUrl) =>
        Render(http, antiforgery, registration, ReturnUrls.Local(returnUrl), null, new Errors([], null));

    public static async Task<IResult> RegisterAsync(HttpContext http, IAntiforgery antiforgery, UserRegistration registration,
        StoreContext store, CancellationToken cancellationToken)
    {
        var form = await AccountForms.ReadAsync(http, antiforgery, cancellationToken);
        var returnUrl = ReturnUrls.Local(form.Value(ReturnUrls.Parameter));
        var request = new RegisterRequest(form.Value("username").Trim(), form.Value("password"), form.Value("email").Trim(),
            registration.Mode == RegistrationMode.Invite ? form.Value("invite").Trim() : null);
        if (form.Forged)
        {
            return Render(http, antiforgery, registration, returnUrl, request, new Errors([], AccountForms.ForgedMessage), StatusCodes.Status400BadRequest);
        }
        if (Validate(request) is { Count: > 0 } invalid)
        {
            return Render(http, antiforgery, registration, returnUrl, request, new Errors(invalid, null), StatusCodes.Status400BadRequest);
        }
        var result = await registration.RegisterAsync(request, cancellationToken);
        if (result.Problem is { } problem)
        {
            return Render(http, antiforgery, registration, returnUrl, request, Place(problem), problem.Status);
        }
        var user = await store.Users.SingleAsync(u => u.UserName == request.Username, cancellationToken);
        await ProviderCookie.SignInAsync(http, user);
        return Results.Redirect(returnUrl);
    }

    /// <summary>
    /// The rules the REST endpoint applies to the same record: its DataAnnotations and its own
    /// Validate, first message per field. (The REST endpoint runs them through .NET 10's generated
    /// validators, whose API for calling them directly is still marked experimental.)
    /// </summary>
    private static Dictionary<string, string> Validate(RegisterRequest request)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames.Select(m => (Field: m.ToLowerInvariant(), Message: r.ErrorMessage ?? "is not valid")))
            .GroupBy(e => e.Field)
            .ToDictionary(g => g.Key, g => g.First().Message);
    }

    /// <summary>Which field a problem of the registration is about; a problem about none goes at the top.</summary>
    private static Errors Place(AuthProblem problem)
    {
        var field = problem == AuthProblem.UsernameTaken ? "username"
            : problem == AuthProblem.EmailTaken ? "email"
            : problem == RegistrationPolicy.InviteRequired || problem == RegistrationPolicy.InviteInvalid ? "invite"
            : null;
        return field is null
            ? new Errors([], problem.Detail is null ? problem.Title : $"{problem.Title}. {problem.Detail}")
            : new Errors(new() { [field] = problem == RegistrationPolicy.InviteRequired ? "An invite code is required." : problem.Title }, null);
    }

    private static IResult Render(HttpContext http, IAntiforgery antiforgery, UserRegistration registration, string returnUrl,
        RegisterRequest? typed, Errors errors, int status = StatusCodes.Status200OK)
    {
        var backToSignIn = AccountPaths.Login + QueryString.Create(ReturnUrls.Parameter, returnUrl);
        if (registration.Mode == RegistrationMode.Closed)
        {
            return AccountHtml.Page("Create an account", RegistrationPolicy.Closed.Title)
                .Text(RegistrationPolicy.Closed.Detail!)
                .Link(backToSignIn, "Sign in")
                .ToResult(status == StatusCodes.Status200OK ? StatusCodes.Status403Forbidden : status);
        }
        var page = AccountHtml.Page("Create an account", errors.General)
            .Form(AccountPaths.Register, AccountForms.Token(http, antiforgery), returnUrl)
            .Field("username", "Username", "text", "username", typed?.Username, errors.Fields.GetValueOrDefault("username"), autofocus: true)
            .Field("email", "Email", "email", "email", typed?.Email, errors.Fields.GetValueOrDefault("email"))
            .Field("password", "Password", "password", "new-password", null, errors.Fields.GetValueOrDefault("password"));
        if (registration.Mode == RegistrationMode.Invite)
        {
            page.Field("invite", "Invite code", "text", "off", typed?.Invite, errors.Fields.GetValueOrDefault("invite"));
        }
        return page.Submit("Create account").Link(backToSignIn, "Already have an account? Sign in").ToResult(status);
    }
}
