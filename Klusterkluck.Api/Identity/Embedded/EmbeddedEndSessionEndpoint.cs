using Klusterkluck.Api.Identity.Embedded.Account;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server's end-session endpoint: ends the provider's session at once (no
/// confirmation page) and sends the browser to the post_logout_redirect_uri, which OpenIddict
/// has checked against the client's registered ones; without one, to the sign-in page.
/// </summary>
internal static class EmbeddedEndSessionEndpoint
{
    public const string Path = "/connect/logout";

    public static void MapEmbeddedEndSessionEndpoint(this IEndpointRouteBuilder app) =>
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync).DisableAntiforgery().ExcludeFromDescription();

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await ProviderCookie.SignOutAsync(http);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = AccountPaths.Login },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
