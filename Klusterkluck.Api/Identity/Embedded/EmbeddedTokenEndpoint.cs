using System.Security.Claims;
using Klusterkluck.Api.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server's token endpoint. OpenIddict parses and answers the OAuth request; this
/// handler decides who the user is: by password for the password grant, and for the refresh
/// grant by the user the refresh token was issued to, who must still exist.
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

        User? user = null;
        if (request.IsPasswordGrantType())
        {
            user = await passwords.VerifyAsync(request.Username, request.Password, cancellationToken);
            if (user is null)
            {
                return Refuse("Invalid username or password.");
            }
        }
        else if (request.IsRefreshTokenGrantType())
        {
            var previous = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            if (Guid.TryParse(previous.Principal?.GetClaim(Claims.Subject), out var id))
            {
                user = await store.Users.FindAsync([id], cancellationToken);
            }
            if (user is null)
            {
                return Refuse("The user no longer exists.");
            }
        }
        else
        {
            return Refuse("The grant type is not supported.", Errors.UnsupportedGrantType);
        }

        return Results.SignIn(Principal(user, options.Value.Audience), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ClaimsPrincipal Principal(User user, string audience)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.PreferredUsername, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.Email, user.Email);
        // offline_access always: the Api's clients expect a refresh token with every login.
        identity.SetScopes(Scopes.OfflineAccess, Scopes.Profile, Scopes.Email);
        identity.SetResources(audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    private static IResult Refuse(string description, string error = Errors.InvalidGrant) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
