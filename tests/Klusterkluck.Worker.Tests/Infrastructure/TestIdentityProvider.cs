using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect issuer on loopback: discovery document and JWKS over HTTP, and tokens
/// signed with RS256 by the key the JWKS publishes, as Keycloak or the embedded server do.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly RsaSecurityKey _key = NewKey("test-key-1");
    private LoopbackServer? _server;

    public string Issuer => _server!.BaseUrl;

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var provider = new TestIdentityProvider();
        provider._server = await LoopbackServer.StartAsync(provider.Map);
        return provider;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = $"{Issuer}/protocol/openid-connect/certs",
            ["token_endpoint"] = $"{Issuer}/protocol/openid-connect/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/protocol/openid-connect/certs", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            jwk.Use = "sig";
            jwk.Alg = SecurityAlgorithms.RsaSha256;
            return Results.Json(new { keys = new[] { new { jwk.Kty, jwk.Kid, jwk.Use, jwk.Alg, jwk.N, jwk.E } } },
                new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower });
        });
    }

    /// <summary>A token for <paramref name="username"/>; every part can be made wrong on purpose.</summary>
    public string Mint(string username, TimeSpan? validFor = null, string? issuer = null, string? audience = null, bool foreignKey = false)
    {
        var now = DateTime.UtcNow;
        var lifetime = validFor ?? TimeSpan.FromMinutes(5);
        var expires = now + lifetime;
        var notBefore = lifetime > TimeSpan.Zero ? now.AddSeconds(-5) : expires.AddMinutes(-5);
        var key = foreignKey ? NewKey(_key.KeyId) : _key;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("preferred_username", username), new Claim("sub", Guid.NewGuid().ToString())]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static RsaSecurityKey NewKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    public async ValueTask DisposeAsync() => await _server!.DisposeAsync();
}
