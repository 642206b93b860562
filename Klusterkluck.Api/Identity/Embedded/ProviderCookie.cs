using System.Security.Claims;
using Klusterkluck.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Klusterkluck.Api.Identity.Embedded.Account;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded provider's own session: set by its sign-in and registration pages, read by its
/// authorization endpoint, cleared by its end-session endpoint. A scheme of its own, never the
/// default one: the Api itself only ever takes bearer tokens.
/// </summary>
internal static class ProviderCookie
{
    public const string Scheme = "kk.idp";

    public static AuthenticationBuilder AddProviderCookie(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = Scheme;
            cookie.Cookie.HttpOnly = true;
            // Lax: sent when a relying party on another site sends the browser to /connect/authorize.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is https (X-Forwarded-Proto from a trusted proxy included).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = AccountPaths.Login;
        });

    public static Task SignInAsync(HttpContext http, User user)
    {
        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id.ToString()));
        identity.AddClaim(new Claim(Claims.Name, user.UserName));
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The signed-in user, if the session is valid and the user still exists.</summary>
    public static async Task<User?> UserAsync(HttpContext http, StoreContext store, CancellationToken cancellationToken)
    {
        var session = await http.AuthenticateAsync(Scheme);
        return Guid.TryParse(session.Principal?.FindFirstValue(Claims.Subject), out var id)
            ? await store.Users.FindAsync([id], cancellationToken)
            : null;
    }
}
