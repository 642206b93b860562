using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>
/// The signed-in users' tokens, by session. The session cookie carries them (encrypted with the
/// data-protection keys the Api keeps in its data folder, so sessions outlive a restart), but a
/// Blazor circuit cannot write cookies: a circuit refreshes tokens here, and the next page load
/// writes the newer tokens back into the cookie. Each session refreshes one call at a time, as a
/// rotated refresh token may be redeemed only once.
/// </summary>
public sealed class ConsoleSessions(IOptionsMonitor<OpenIdConnectOptions> oidc, IHttpClientFactory httpClients, TimeProvider time)
{
    public const string SessionClaim = "kk_session";

    /// <summary>A session idle for this long has outlived its sliding cookie too: its tokens are dropped from memory.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, SessionTokens> _tokens = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new();
    private int _writes;

    /// <summary>A new session with the tokens of a sign-in; returns its id, which the session cookie carries.</summary>
    public string Begin(string accessToken, string? refreshToken, string? idToken, int? expiresIn)
    {
        var session = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        Remember(session, Tokens(accessToken, refreshToken, idToken, expiresIn));
        return session;
    }

    /// <summary>A token response's tokens; a provider that does not say how long they last is taken at five minutes.</summary>
    private SessionTokens Tokens(string accessToken, string? refreshToken, string? idToken, int? expiresIn) =>
        new(accessToken, refreshToken, idToken, time.GetUtcNow().AddSeconds(expiresIn ?? 300));

    public void Remember(string session, SessionTokens tokens)
    {
        _tokens[session] = tokens;
        if (Interlocked.Increment(ref _writes) % 256 == 0)
        {
            // Users rarely sign out: without this, every sign-in would stay in memory until a restart.
            var before = time.GetUtcNow() - IdleLimit;
            foreach (var (id, held) in _tokens)
            {
                if (held.ExpiresAt < before)
                {
                    Forget(id);
                    _refreshing.TryRemove(id, out _);
                }
            }
            foreach (var (id, at) in _ended)
            {
                if (at < before)
                {
                    _ended.TryRemove(id, out _);
                }
            }
        }
    }

    /// <summary>
    /// Drops the session's tokens. Its gate stays (a refresh may hold it), swept with the tokens.
    /// </summary>
    public void Forget(string session) => _tokens.TryRemove(session, out _);

    /// <summary>
    /// Signed out: a copy of its cookie (another tab, a stolen one) no longer brings the session
    /// back in this process; the provider's session and the cookie's own expiry end it everywhere.
    /// </summary>
    public void End(string session)
    {
        Forget(session);
        _ended[session] = time.GetUtcNow();
    }

    /// <summary>A usable access token for the session, refreshed when it is about to expire; null when the session has ended.</summary>
    public async Task<string?> AccessTokenAsync(string session, CancellationToken cancellationToken)
    {
        if (!_tokens.TryGetValue(session, out var tokens))
        {
            return null;
        }
        if (!tokens.Expiring(time.GetUtcNow()))
        {
            return tokens.AccessToken;
        }
        var gate = _refreshing.GetOrAdd(session, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_tokens.TryGetValue(session, out tokens) && !tokens.Expiring(time.GetUtcNow()))
            {
                return tokens.AccessToken;
            }
            var refreshed = tokens?.RefreshToken is { } refreshToken ? await RefreshAsync(refreshToken, tokens.IdToken, cancellationToken) : null;
            if (refreshed is null)
            {
                Forget(session);
                return null;
            }
            Remember(session, refreshed);
            return refreshed.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Every request that carries the session cookie: the cookie seeds a session this process has
    /// not seen (after a restart), takes the tokens a circuit refreshed, and is rejected once its
    /// tokens can no longer be refreshed.
    /// </summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirstValue(SessionClaim) is not { } session || _ended.ContainsKey(session))
        {
            context.RejectPrincipal();
            return;
        }
        var stored = FromProperties(context.Properties);
        if (!_tokens.TryGetValue(session, out var held) || (stored is not null && stored.ExpiresAt > held.ExpiresAt))
        {
            if (stored is null)
            {
                context.RejectPrincipal();
                return;
            }
            Remember(session, stored);
        }
        if (await AccessTokenAsync(session, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleAuthentication.CookieScheme);
            return;
        }
        if (_tokens.TryGetValue(session, out var latest) && (stored is null || latest.ExpiresAt != stored.ExpiresAt))
        {
            StoreIn(context.Properties, latest);
            context.ShouldRenew = true;
        }
    }

    public static void StoreIn(AuthenticationProperties properties, SessionTokens tokens)
    {
        var list = new List<AuthenticationToken>
        {
            new() { Name = "access_token", Value = tokens.AccessToken },
            new() { Name = "expires_at", Value = tokens.ExpiresAt.ToString("o", CultureInfo.InvariantCulture) },
        };
        if (tokens.RefreshToken is not null)
        {
            list.Add(new() { Name = "refresh_token", Value = tokens.RefreshToken });
        }
        if (tokens.IdToken is not null)
        {
            list.Add(new() { Name = "id_token", Value = tokens.IdToken });
        }
        properties.StoreTokens(list);
    }

    public static SessionTokens? FromProperties(AuthenticationProperties properties) =>
        properties.GetTokenValue("access_token") is { } access
        && DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
            ? new SessionTokens(access, properties.GetTokenValue("refresh_token"), properties.GetTokenValue("id_token"), expiresAt)
            : null;

    private async Task<SessionTokens?> RefreshAsync(string refreshToken, string? idToken, CancellationToken cancellationToken)
    {
        var options = oidc.Get(ConsoleAuthentication.OidcScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = options.ClientId!,
        };
        if (!string.IsNullOrEmpty(options.ClientSecret))
        {
            form["client_secret"] = options.ClientSecret;
        }
        using var client = httpClients.CreateClient(nameof(ConsoleSessions));
        using var response = await client.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JsonElement>(response.Content, cancellationToken);
        return Tokens(body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("refresh_token", out var rotated) ? rotated.GetString() : refreshToken,
            body.TryGetProperty("id_token", out var id) ? id.GetString() : idToken,
            body.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s) ? s : null);
    }
}
