using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Keycloak;

/// <summary>
/// Keycloak issues the owner's token through token exchange (RFC 8693) with impersonation: the
/// Api's service-account client (<c>Keycloak:admin</c>) asks for a token for the user as
/// <c>requested_subject</c>. Keycloak needs the token-exchange feature and the client allowed to
/// impersonate users (see README, "Flows").
/// </summary>
internal sealed class KeycloakOwnerTokens(TokenEndpointClient tokens, IOptions<KeycloakOptions> options) : IOwnerTokens
{
    private static readonly TimeSpan s_renewBefore = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (string Token, DateTime Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<string> GetAsync(string user, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (_cache.TryGetValue(user, out var cached) && cached.Expires - s_renewBefore > now)
        {
            return cached.Token;
        }
        var keycloak = options.Value;
        var result = await tokens.RequestAsync(keycloak.TokenEndpoint, [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("client_id", keycloak.Admin.Resource),
            new("client_secret", keycloak.Admin.Credentials.Secret ?? ""),
            new("requested_subject", user),
            new("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
            new("audience", keycloak.Resource),
        ], AuthProblem.ProviderUnavailable("Keycloak refused to exchange a token for the user."), cancellationToken);
        if (result.Value is not { } token)
        {
            throw new OwnerTokenException($"no token for {user}: {result.Problem!.Detail ?? result.Problem.Title}");
        }
        _cache[user] = (token.AccessToken, now + TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 60)));
        return token.AccessToken;
    }
}
