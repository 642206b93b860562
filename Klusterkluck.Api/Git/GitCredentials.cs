using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Git;

/// <summary>
/// Who a git client is: HTTP Basic with the user's password, with one of their access tokens
/// as the password (any username), or with a repository's read-only token (<see cref="GitTokens"/>). Tokens go through the Api's own JWT-bearer validation;
/// passwords through the identity provider's login. A git command makes several requests, so a
/// password that checked out is remembered (as a hash) for two minutes; password checks that
/// reach the provider count against the same per-address limit as logins.
/// </summary>
public sealed class GitCredentials(
    IServiceScopeFactory scopes, IOptionsMonitor<JwtBearerOptions> bearer, IMemoryCache cache, IOptions<AuthRateLimitOptions> limits,
    GitTokens tokens) : IDisposable
{
    private static readonly TimeSpan s_remembered = TimeSpan.FromMinutes(2);

    private readonly PartitionedRateLimiter<string> _attempts = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => limits.Value.PerAddress()));

    public enum Outcome
    {
        Authenticated,
        Missing,
        Invalid,
        TooManyAttempts,
    }

    /// <summary>
    /// Checks the request's credentials for <c>{owner}/{repository}.git</c>; on success the caller
    /// is the user they belong to, and read-only when they are that repository's read token.
    /// </summary>
    public async Task<(Outcome Outcome, GitCaller? Caller)> CheckAsync(HttpContext context, string owner, string repository)
    {
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || !TryDecode(header.Parameter, out var user, out var secret))
        {
            return (Outcome.Missing, null);
        }
        if (tokens.IsReadToken(secret, owner, repository))
        {
            return (Outcome.Authenticated, new GitCaller(owner, ReadOnly: true));
        }
        if (secret.Count(c => c == '.') == 2 && await ValidateTokenAsync(secret) is { } tokenUser)
        {
            return (Outcome.Authenticated, new GitCaller(tokenUser, ReadOnly: false));
        }
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{user}\0{secret}")));
        if (cache.TryGetValue(key, out _))
        {
            return (Outcome.Authenticated, new GitCaller(user, ReadOnly: false));
        }
        using var permit = _attempts.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (!permit.IsAcquired)
        {
            return (Outcome.TooManyAttempts, null);
        }
        await using var scope = scopes.CreateAsyncScope();
        var identity = scope.ServiceProvider.GetRequiredService<Identity.IIdentityProvider>();
        var login = await identity.LoginAsync(new LoginRequest(user, secret), context.RequestAborted);
        if (login.Value is null)
        {
            return (Outcome.Invalid, null);
        }
        cache.Set(key, true, s_remembered);
        return (Outcome.Authenticated, new GitCaller(user, ReadOnly: false));
    }

    private async Task<string?> ValidateTokenAsync(string token)
    {
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } manager)
        {
            // Keycloak: the realm's issuer and keys, from its discovery document (cached by the manager).
            var configuration = await manager.GetConfigurationAsync(CancellationToken.None);
            parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], configuration.Issuer];
            parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. configuration.SigningKeys];
        }
        foreach (var handler in options.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                return result.ClaimsIdentity.Name;
            }
        }
        return null;
    }

    /// <summary>HTTP Basic's parameter → its user and non-empty password.</summary>
    internal static bool TryDecode(string? parameter, out string user, out string secret)
    {
        (user, secret) = ("", "");
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? ""));
            var colon = text.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }
            (user, secret) = (text[..colon], text[(colon + 1)..]);
            return secret.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public void Dispose() => _attempts.Dispose();
}

/// <summary>A git client that proved who it is: the user, and whether it may only read.</summary>
public sealed record GitCaller(string User, bool ReadOnly);
