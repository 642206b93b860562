using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>
/// The console's sign-in: the authorization code flow with PKCE against the configured provider,
/// then a session cookie (HttpOnly, SameSite=Lax, Secure behind https). The cookie is honoured on
/// the console's own paths only: the REST API keeps taking bearer tokens alone, so no page of
/// another site can make a signed-in browser call it (no CSRF against the API).
/// </summary>
public static class ConsoleAuthentication
{
    public const string CookieScheme = "kk.console";
    public const string OidcScheme = "kk.console.oidc";
    private const string SelectorScheme = "kk.select";

    public static void AddConsoleAuthentication(this IServiceCollection services, string apiScheme)
    {
        services.AddSingleton<ConsoleSessions>();
        // The provider and the client come from ConsoleOptions, whose authority the host resolves from its services.
        services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<ConsoleOptions>((oidc, options) =>
        {
            oidc.Authority = options.Authority;
            oidc.RequireHttpsMetadata = options.Authority.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
            oidc.ClientId = options.ClientId;
            oidc.ClientSecret = string.IsNullOrEmpty(options.ClientSecret) ? null : options.ClientSecret;
        });
        services.AddHttpClient(nameof(ConsoleSessions));
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SelectorScheme;
                o.DefaultChallengeScheme = SelectorScheme;
            })
            .AddPolicyScheme(SelectorScheme, "API or console", o =>
                o.ForwardDefaultSelector = context => ConsolePaths.Owns(context.Request.Path) ? CookieScheme : apiScheme)
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "kk.console";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = ConsoleSessions.IdleLimit;
                cookie.SlidingExpiration = true;
                cookie.ForwardChallenge = OidcScheme;
                cookie.AccessDeniedPath = "/";
                cookie.Events.OnValidatePrincipal = context =>
                    context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>().ValidateAsync(context);
            })
            .AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.SignInScheme = CookieScheme;
                oidc.SignOutScheme = CookieScheme;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                // The code comes back on a top-level GET: the correlation and nonce cookies can then
                // be SameSite=Lax, which browsers keep on plain http too (SameSite=None needs Secure).
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "offline_access" })
                {
                    oidc.Scope.Add(scope);
                }
                oidc.SaveTokens = true;
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.TokenValidationParameters.NameClaimType = "preferred_username";
                oidc.TokenValidationParameters.RoleClaimType = "role";
                oidc.CallbackPath = ConsolePaths.SignInCallback;
                oidc.SignedOutCallbackPath = ConsolePaths.SignOutCallback;
                oidc.SignedOutRedirectUri = ConsolePaths.SignedOut;
                oidc.Events.OnTokenValidated = context =>
                {
                    var response = context.TokenEndpointResponse!;
                    var session = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>()
                        .Begin(response.AccessToken, response.RefreshToken, response.IdToken, int.TryParse(response.ExpiresIn, out var seconds) ? seconds : null);
                    ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim(ConsoleSessions.SessionClaim, session));
                    return Task.CompletedTask;
                };
                // A user who cancels or whose provider refuses lands on a page that says so, not on a 500;
                // the reason is logged, and the page shows a fixed sentence (no text from the URL).
                oidc.Events.OnRemoteFailure = context =>
                {
                    context.HandleResponse();
                    context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleAuthentication))
                        .LogWarning(context.Failure, "Sign-in did not complete");
                    context.Response.Redirect($"{ConsolePaths.SignedOut}?failed={SignInFailure.Refused}");
                    return Task.CompletedTask;
                };
            });
    }

    /// <summary>
    /// Sign-out ends the console's session and then the provider's (its end-session endpoint). The
    /// form's antiforgery token is checked whatever the body's type: no other page can sign a user out.
    /// </summary>
    public static void MapConsoleSignOut(this IEndpointRouteBuilder app) =>
        app.MapPost(ConsolePaths.SignOut, async (HttpContext http, ConsoleSessions sessions, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("Sign out from the console's own Sign out button.", statusCode: StatusCodes.Status400BadRequest,
                    title: "The sign-out request is not the console's");
            }
            if (http.User.FindFirstValue(ConsoleSessions.SessionClaim) is { } session)
            {
                sessions.End(session);
            }
            return Results.SignOut(new AuthenticationProperties { RedirectUri = ConsolePaths.SignedOut }, [CookieScheme, OidcScheme]);
        }).RequireAuthorization().DisableAntiforgery().ExcludeFromDescription();
}
