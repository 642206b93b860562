using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect issuer on loopback: discovery document and JWKS over HTTP, and tokens
/// signed with RS256 by the key the JWKS publishes, as Keycloak or the embedded server do.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = NewKey("test-key-1");

    private TestIdentityProvider(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = "";

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new TestIdentityProvider(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Issuer,
            ["jwks_uri"] = $"{provider.Issuer}/protocol/openid-connect/certs",
            ["token_endpoint"] = $"{provider.Issuer}/protocol/openid-connect/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/protocol/openid-connect/certs", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider._key.Rsa.ExportParameters(false)) { KeyId = provider._key.KeyId });
            jwk.Use = "sig";
            jwk.Alg = SecurityAlgorithms.RsaSha256;
            return Results.Json(new { keys = new[] { new { jwk.Kty, jwk.Kid, jwk.Use, jwk.Alg, jwk.N, jwk.E } } },
                new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.Issuer = address.TrimEnd('/');
        return provider;
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

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
