using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>
/// Keycloak's browser side, as a relying party such as ASP.NET Core's OpenIdConnect handler sees
/// it: the authorization endpoint with its login page (the fields, labels and button of
/// Keycloak's login theme), the login action, codes bound to client, redirect URI and PKCE
/// challenge and good once, identity tokens with the nonce, userinfo, and logout. The realm's
/// registrationAllowed is false, so there is no registration page.
/// </summary>
public sealed partial class KeycloakDouble
{
    private const string SessionCookie = "KEYCLOAK_IDENTITY";
    private const string AuthSessionCookie = "AUTH_SESSION_ID";

    private readonly ConcurrentDictionary<string, PendingLogin> _pendingLogins = new();
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new();
    private readonly ConcurrentDictionary<string, string> _sessions = new();

    private sealed record AuthRequest(RealmClient Client, string RedirectUri, string State, string? Nonce, string Challenge, string ChallengeMethod, string Scope);

    private sealed record PendingLogin(AuthRequest Request, string AuthSession);

    private sealed record IssuedCode(AuthRequest Request, string UserId, string SessionId, DateTime Expires);

    private void MapBrowserLogin(WebApplication app, string realm)
    {
        var oidc = $"{realm}/protocol/openid-connect";
        app.MapGet($"{oidc}/auth", Authorize);
        app.MapPost($"{realm}/login-actions/authenticate", (Delegate)AuthenticateAsync);
        app.MapMethods($"{oidc}/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfo);
        app.MapMethods($"{oidc}/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync);
    }

    private IResult Authorize(HttpContext http)
    {
        string Query(string name) => http.Request.Query[name].ToString();
        if (Realm.Client(Query("client_id")) is not { } client)
        {
            return ErrorPage(400, "Client not found.");
        }
        var redirect = Query("redirect_uri");
        if (redirect.Length == 0 || !client.AllowsRedirect(redirect))
        {
            return ErrorPage(400, "Invalid parameter: redirect_uri");
        }
        var state = Query("state");
        if (Query("response_type") != "code" || !client.StandardFlow)
        {
            return Back(redirect, state, "unauthorized_client", "Client is not allowed to initiate browser login with given response_type.");
        }
        var (challenge, method) = (Query("code_challenge"), Query("code_challenge_method"));
        if (client.PkceMethod is not null && challenge.Length == 0)
        {
            return Back(redirect, state, "invalid_request", "Missing parameter: code_challenge_method");
        }
        if (client.PkceMethod is { } configured && method != configured)
        {
            return Back(redirect, state, "invalid_request", "Invalid parameter: code challenge method is not matching the configured one");
        }
        var request = new AuthRequest(client, redirect, state, Query("nonce") is { Length: > 0 } n ? n : null, challenge,
            method.Length == 0 && challenge.Length > 0 ? "plain" : method, Scope(Query("scope")));
        var prompt = Query("prompt");
        if (prompt != "login" && SessionUser(http) is { } session)
        {
            return Issue(request, session.User, session.Id);
        }
        if (prompt == "none")
        {
            return Back(redirect, state, "login_required", null);
        }
        var tab = Token();
        var authSession = Token();
        _pendingLogins[tab] = new PendingLogin(request, authSession);
        http.Response.Cookies.Append(AuthSessionCookie, authSession, Cookie());
        return LoginPage(tab, request.Client.ClientId, null, null);
    }

    private async Task<IResult> AuthenticateAsync(HttpContext http)
    {
        var tab = http.Request.Query["tab_id"].ToString();
        if (!_pendingLogins.TryGetValue(tab, out var pending))
        {
            return ErrorPage(400, "Your login attempt timed out. Login will start from the beginning.");
        }
        if (http.Request.Cookies[AuthSessionCookie] != pending.AuthSession)
        {
            return ErrorPage(400, "Cookie not found. Please make sure cookies are enabled in your browser.");
        }
        var form = await http.Request.ReadFormAsync();
        var name = form["username"].ToString();
        var user = _users.Values.SingleOrDefault(u => u.Username == name.ToLowerInvariant() || string.Equals(u.Email, name, StringComparison.OrdinalIgnoreCase));
        if (user?.Password is null || user.Password != form["password"].ToString())
        {
            return LoginPage(tab, pending.Request.Client.ClientId, name, "Invalid username or password.");
        }
        _pendingLogins.TryRemove(tab, out _);
        var sessionId = NewId();
        _sessions[sessionId] = user.Id;
        http.Response.Cookies.Append(SessionCookie, sessionId, Cookie());
        return Issue(pending.Request, user, sessionId);
    }

    private IResult Issue(AuthRequest request, DoubleUser user, string sessionId)
    {
        var code = $"{Token()}.{sessionId}";
        _codes[code] = new IssuedCode(request, user.Id, sessionId, DateTime.UtcNow.AddSeconds(60));
        return Results.Redirect(Append(request.RedirectUri, ("state", request.State), ("session_state", sessionId), ("iss", Issuer), ("code", code)));
    }

    private IResult RedeemCode(string clientId, string code, string redirectUri, string verifier)
    {
        if (Realm.Client(clientId) is not { } client)
        {
            return OAuthError(401, "invalid_client", "Invalid client or Invalid client credentials");
        }
        // Removed at once: a code is good for one redemption, whatever comes of it.
        if (!_codes.TryRemove(code, out var issued) || issued.Expires < DateTime.UtcNow || !_users.TryGetValue(issued.UserId, out var user))
        {
            return OAuthError(400, "invalid_grant", "Code not valid");
        }
        if (issued.Request.Client.ClientId != client.ClientId)
        {
            return OAuthError(400, "invalid_grant", "Auth error");
        }
        if (issued.Request.RedirectUri != redirectUri)
        {
            return OAuthError(400, "invalid_grant", "Incorrect redirect_uri");
        }
        if (issued.Request.Challenge.Length > 0)
        {
            if (verifier.Length == 0)
            {
                return OAuthError(400, "invalid_grant", "PKCE code verifier not specified");
            }
            var computed = issued.Request.ChallengeMethod == "S256" ? Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) : verifier;
            if (computed != issued.Request.Challenge)
            {
                return OAuthError(400, "invalid_grant", "PKCE verification failed: Code mismatch");
            }
        }
        return Tokens(user, new Grant(client, issued.Request.Scope, issued.Request.Nonce, issued.SessionId));
    }

    private string IdToken(DoubleUser user, Grant grant, string accessToken)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Id,
            ["typ"] = "ID",
            ["aud"] = grant.Client.ClientId,
            ["azp"] = grant.Client.ClientId,
            ["sid"] = grant.SessionId,
            ["auth_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["acr"] = "1",
            ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            ["email_verified"] = false,
            ["preferred_username"] = user.Username,
            ["email"] = user.Email,
        };
        if (grant.Nonce is not null)
        {
            claims["nonce"] = grant.Nonce;
        }
        return Sign(claims, TimeSpan.FromSeconds(Realm.AccessTokenLifespan), _key);
    }

    private async Task<IResult> UserInfo(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        var claims = await ValidAsync(token, validateLifetime: true);
        if (claims is null || !claims.TryGetValue("sub", out var sub) || !_users.TryGetValue((string)sub, out var user))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"" + Realm.Realm + "\", error=\"invalid_token\", error_description=\"Token verification failed\"";
            return OAuthError(401, "invalid_token", "Token verification failed");
        }
        return Results.Json(new { sub = user.Id, email_verified = false, preferred_username = user.Username, email = user.Email });
    }

    /// <summary>
    /// RP-initiated logout: a post_logout_redirect_uri needs the client, named by client_id or
    /// by an id_token_hint, and must be one of its registered ones. Keycloak asks the user to
    /// confirm when there is no id_token_hint; the double does not.
    /// </summary>
    private async Task<IResult> LogoutAsync(HttpContext http)
    {
        var parameters = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString())
            : http.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString());
        string Parameter(string name) => parameters.TryGetValue(name, out var value) ? value : "";
        var redirect = Parameter("post_logout_redirect_uri");
        var hint = Parameter("id_token_hint");
        var clientId = Parameter("client_id");
        if (hint.Length > 0)
        {
            if (await ValidAsync(hint, validateLifetime: false) is not { } claims || !claims.TryGetValue("aud", out var audience))
            {
                return ErrorPage(400, "Invalid parameter: id_token_hint");
            }
            clientId = audience.ToString()!;
        }
        if (redirect.Length > 0)
        {
            if (clientId.Length == 0)
            {
                return ErrorPage(400, "Missing parameters: id_token_hint");
            }
            if (Realm.Client(clientId) is not { } client || !client.AllowsPostLogoutRedirect(redirect))
            {
                return ErrorPage(400, "Invalid redirect uri");
            }
        }
        if (http.Request.Cookies[SessionCookie] is { } session)
        {
            _sessions.TryRemove(session, out _);
        }
        http.Response.Cookies.Delete(SessionCookie, Cookie());
        return redirect.Length > 0
            ? Results.Redirect(Parameter("state") is { Length: > 0 } state ? Append(redirect, ("state", state)) : redirect)
            : Page(200, "Logging out", """<p class="instruction">You are logged out</p>""");
    }

    private (string Id, DoubleUser User)? SessionUser(HttpContext http) =>
        http.Request.Cookies[SessionCookie] is { } id && _sessions.TryGetValue(id, out var userId) && _users.TryGetValue(userId, out var user)
            ? (id, user)
            : null;

    private async Task<IDictionary<string, object>?> ValidAsync(string token, bool validateLifetime)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = false,
            ValidateLifetime = validateLifetime,
            IssuerSigningKey = _key,
        });
        return result.IsValid ? result.Claims : null;
    }

    private CookieOptions Cookie() => new() { Path = $"/realms/{Realm.Realm}/", HttpOnly = true, SameSite = SameSiteMode.Lax };

    private IResult Back(string redirect, string state, string error, string? description) =>
        Results.Redirect(Append(redirect, ("error", error), ("error_description", description), ("state", state.Length > 0 ? state : null), ("iss", Issuer)));

    private static string Append(string uri, params (string Name, string? Value)[] parameters) =>
        uri + (uri.Contains('?') ? "&" : "?") + string.Join('&', parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    private static string Token() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));

    /// <summary>Keycloak's login form: its ids, names, labels and button as the keycloak.v2 theme renders them.</summary>
    private IResult LoginPage(string tab, string clientId, string? username, string? error)
    {
        var action = $"{BaseUrl}/realms/{Realm.Realm}/login-actions/authenticate?session_code={Token()}&execution={NewId()}&client_id={Uri.EscapeDataString(clientId)}&tab_id={tab}";
        var alert = error is null ? "" : $"""<span id="input-error" class="pf-v5-c-helper-text__item-text" aria-live="polite">{WebUtility.HtmlEncode(error)}</span>""";
        return Page(200, "Sign in to your account", $"""
            {alert}
            <form id="kc-form-login" onsubmit="login.disabled = true; return true;" action="{WebUtility.HtmlEncode(action)}" method="post">
            <label for="username" class="pf-v5-c-form__label">Username or email</label>
            <input tabindex="1" id="username" name="username" value="{WebUtility.HtmlEncode(username ?? "")}" type="text" autofocus autocomplete="username" aria-invalid="{(error is null ? "" : "true")}">
            <label for="password" class="pf-v5-c-form__label">Password</label>
            <input tabindex="2" id="password" name="password" type="password" autocomplete="current-password" aria-invalid="{(error is null ? "" : "true")}">
            <input type="hidden" id="id-hidden-input" name="credentialId">
            <input tabindex="4" class="pf-v5-c-button pf-m-primary pf-m-block" name="login" id="kc-login" type="submit" value="Sign In">
            </form>
            """);
    }

    private IResult ErrorPage(int status, string message) =>
        Page(status, "We are sorry...", $"""<div id="kc-error-message"><p class="instruction">{WebUtility.HtmlEncode(message)}</p></div>""");

    private IResult Page(int status, string title, string body) => Results.Content($"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Sign in to {WebUtility.HtmlEncode(Realm.Realm)}</title></head>
        <body>
        <div id="kc-header-wrapper">Klusterkluck</div>
        <h1 id="kc-page-title">{WebUtility.HtmlEncode(title)}</h1>
        {body}
        </body>
        </html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);
}
