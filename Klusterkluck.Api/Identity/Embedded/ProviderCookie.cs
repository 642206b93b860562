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

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static AuthenticationBuilder AddProviderCookie(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = Scheme;
            cookie.Cookie.HttpOnly = true;
            // Lax: sent when a relying party on another site sends the browser to /connect/authorize.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is https (X-Forwarded-Proto from a trusted proxy included).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = Lifetime;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = AccountPaths.Login;
            cookie.Events.OnValidatePrincipal = context =>
            {
                if (context.Principal?.FindFirstValue(ProviderSessions.Claim) is not { } id
                    || context.HttpContext.RequestServices.GetRequiredService<ProviderSessions>().IsEnded(id))
                {
                    context.RejectPrincipal();
                }
                return Task.CompletedTask;
            };
        });

    public static Task SignInAsync(HttpContext http, User user)
    {
        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id.ToString()));
        identity.AddClaim(new Claim(Claims.Name, user.UserName));
        identity.AddClaim(new Claim(ProviderSessions.Claim, ProviderSessions.NewId()));
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Signs the browser out and ends the session for every copy of its cookie.</summary>
    public static async Task SignOutAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(Scheme);
        if (session.Principal?.FindFirstValue(ProviderSessions.Claim) is { } id)
        {
            http.RequestServices.GetRequiredService<ProviderSessions>().End(id);
        }
        await http.SignOutAsync(Scheme);
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
