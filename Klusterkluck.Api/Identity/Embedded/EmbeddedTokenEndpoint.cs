using Klusterkluck.Api.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server's token endpoint. OpenIddict parses and answers the OAuth request; this
/// handler decides who the user is: by password for the password grant, and for the code and
/// refresh grants by the user the code or token was issued to, who must still exist.
/// </summary>
internal static class EmbeddedTokenEndpoint
{
    public const string Path = "/connect/token";

    public static void MapEmbeddedTokenEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, ExchangeAsync).RequireRateLimiting(AuthRateLimit.Policy).ExcludeFromDescription();

    private static async Task<IResult> ExchangeAsync(HttpContext http, UserPasswords passwords, StoreContext store,
        IOptions<IdentityProviderOptions> options, CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("the OpenID Connect request cannot be retrieved");

        User? user;
        IEnumerable<string> scopes;
        if (request.IsPasswordGrantType())
        {
            user = await passwords.VerifyAsync(request.Username, request.Password, cancellationToken);
            if (user is null)
            {
                return Refuse("Invalid username or password.");
            }
            // An identity token too when the client asks for one (scope=openid), as Keycloak gives.
            scopes = request.HasScope(Scopes.OpenId) ? [Scopes.OpenId, .. EmbeddedPrincipal.PasswordScopes] : EmbeddedPrincipal.PasswordScopes;
        }
        else if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // OpenIddict has checked the code (single use, PKCE, redirect URI, client) or the refresh token.
            var previous = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            user = Guid.TryParse(previous.Principal?.GetClaim(Claims.Subject), out var id) ? await store.Users.FindAsync([id], cancellationToken) : null;
            if (user is null)
            {
                return Refuse("The user no longer exists.");
            }
            scopes = previous.Principal!.GetScopes();
        }
        else
        {
            return Refuse("The grant type is not supported.", Errors.UnsupportedGrantType);
        }

        // Made afresh rather than copied from the code or refresh token: a renamed email shows at the next refresh.
        return Results.SignIn(EmbeddedPrincipal.For(user, scopes, options.Value.Audience),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string description, string error = Errors.InvalidGrant) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
