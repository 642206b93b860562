using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server signs the owner's token itself, with the key its discovery document
/// publishes: the same issuer, audience and username claim as a token from a login, valid for
/// five minutes.
/// </summary>
internal sealed class EmbeddedOwnerTokens(EmbeddedKeys keys, TokenIssuer issuer, IOptions<IdentityProviderOptions> options) : IOwnerTokens
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_renewBefore = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (string Token, DateTime Expires)> _cache = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new();

    public Task<string> GetAsync(string user, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (_cache.TryGetValue(user, out var cached) && cached.Expires - s_renewBefore > now)
        {
            return Task.FromResult(cached.Token);
        }
        var expires = now + s_lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Authority,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                [BearerTokens.UsernameClaim] = user,
                ["name"] = user,
                // Says where the token came from, for anyone reading it: not a login, the flow engine.
                ["azp"] = "klusterkluck-flows",
            },
            SigningCredentials = new SigningCredentials(keys.Signing, SecurityAlgorithms.RsaSha256),
        });
        _cache[user] = (token, expires);
        return Task.FromResult(token);
    }
}
