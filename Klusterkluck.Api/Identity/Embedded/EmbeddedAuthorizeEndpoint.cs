using Klusterkluck.Api.Data;
using Klusterkluck.Api.Identity.Embedded.Account;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server's authorization endpoint (code flow). OpenIddict has validated the client,
/// redirect URI, PKCE challenge and scopes; this handler only asks who the user is: the provider's
/// session, or else its sign-in page, which comes back here when done. Consent is implicit: both
/// clients are Klusterkluck's own.
/// </summary>
internal static class EmbeddedAuthorizeEndpoint
{
    public const string Path = "/connect/authorize";

    public static void MapEmbeddedAuthorizeEndpoint(this IEndpointRouteBuilder app) =>
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery().ExcludeFromDescription();

    private static async Task<IResult> AuthorizeAsync(HttpContext http, StoreContext store, IOptions<IdentityProviderOptions> options,
        CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("the OpenID Connect request cannot be retrieved");
        var user = await ProviderCookie.UserAsync(http, store, cancellationToken);
        var mustSignIn = request.HasPromptValue(PromptValues.Login);
        if (user is not null && !mustSignIn)
        {
            return Results.SignIn(EmbeddedPrincipal.For(user, request.GetScopes(), options.Value.Audience),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (request.HasPromptValue(PromptValues.None))
        {
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user is not signed in.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        // The same request again once signed in; without prompt=login, which that sign-in satisfies
        // (kept, it would send the user back to the sign-in page forever).
        var parameters = (http.Request.HasFormContentType ? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)http.Request.Form : http.Request.Query)
            .Where(p => !(mustSignIn && p.Key == Parameters.Prompt));
        var returnUrl = Path + QueryString.Create(parameters);
        return Results.Redirect(AccountPaths.Login + QueryString.Create(ReturnUrls.Parameter, returnUrl));
    }
}
