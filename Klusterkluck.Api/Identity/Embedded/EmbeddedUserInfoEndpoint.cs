using Klusterkluck.Api.Data;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>The embedded server's userinfo endpoint: who the access token's user is, as far as its scopes say.</summary>
internal static class EmbeddedUserInfoEndpoint
{
    public const string Path = "/connect/userinfo";

    public static void MapEmbeddedUserInfoEndpoint(this IEndpointRouteBuilder app) =>
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).DisableAntiforgery().ExcludeFromDescription();

    private static async Task<IResult> UserInfoAsync(HttpContext http, StoreContext store, CancellationToken cancellationToken)
    {
        // OpenIddict has validated the access token; the user behind it must still exist.
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = Guid.TryParse(principal?.GetClaim(Claims.Subject), out var id) ? await store.Users.FindAsync([id], cancellationToken) : null;
        if (principal is null || user is null)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user no longer exists.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var claims = new Dictionary<string, object> { [Claims.Subject] = user.Id.ToString() };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.PreferredUsername] = user.UserName;
            claims[Claims.Name] = user.UserName;
        }
        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
            // Nobody checks addresses yet; Keycloak says the same of an address it has not verified.
            claims[Claims.EmailVerified] = false;
        }
        return Results.Json(claims);
    }
}
