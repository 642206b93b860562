using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>What the embedded server says about a user, in every token it issues for them.</summary>
internal static class EmbeddedPrincipal
{
    /// <summary>The scopes of a password grant: the Api's clients expect a refresh token with every login.</summary>
    public static readonly string[] PasswordScopes = [Scopes.OfflineAccess, Scopes.Profile, Scopes.Email];

    public static ClaimsPrincipal For(User user, IEnumerable<string> scopes, string audience)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.PreferredUsername, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.Email, user.Email);
        identity.SetScopes(scopes.Distinct(StringComparer.Ordinal));
        identity.SetResources(audience);
        identity.SetDestinations(claim => DestinationsOf(claim, identity));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// Access tokens keep every claim whatever the scopes: the Api and the workers name the user
    /// by preferred_username. The identity token says what the scopes allow, as Keycloak's does.
    /// </summary>
    private static string[] DestinationsOf(Claim claim, ClaimsIdentity identity) => claim.Type switch
    {
        Claims.Name or Claims.PreferredUsername when identity.HasScope(Scopes.Profile) => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Email when identity.HasScope(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
        _ => [Destinations.AccessToken],
    };
}
