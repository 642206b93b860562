using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>Tokens made with the Api's real signing key (read from its data folder) and then made wrong one way at a time.</summary>
public sealed class TokenRejectionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ApiProcess Api => fixture.Api;

    [Fact]
    public async Task ATokenMadeRightIsAccepted()
    {
        using var response = await Api.WhoAmIAsync(Mint(await UserAsync()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnExpiredTokenIsRejected() =>
        await AssertRejectedAsync(Mint(await UserAsync(), expires: DateTime.UtcNow.AddMinutes(-2)));

    [Fact]
    public async Task ATokenFromAnotherIssuerIsRejected() =>
        await AssertRejectedAsync(Mint(await UserAsync(), issuer: "http://127.0.0.1:1/"));

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIsRejected()
    {
        using var other = RSA.Create(2048);
        await AssertRejectedAsync(Mint(await UserAsync(), key: new RsaSecurityKey(other) { KeyId = SigningKey().KeyId }));
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIsRejected() =>
        await AssertRejectedAsync(Mint(await UserAsync(), audience: "someone-else"));

    [Fact]
    public async Task ATamperedTokenIsRejected()
    {
        var (username, password) = await Api.RegisterAsync("tamper");
        var token = (await Api.LoginAsync(username, password)).GetProperty("accessToken").GetString()!;
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace(username, "admin", StringComparison.Ordinal);
        await AssertRejectedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");
    }

    [Fact]
    public async Task AnUnsignedTokenIsRejected()
    {
        var token = new JsonWebTokenHandler().CreateToken(Descriptor(await UserAsync(), Api.Issuer, "klusterkluck", DateTime.UtcNow.AddMinutes(5)));
        await AssertRejectedAsync(token);
    }

    private async Task<string> UserAsync() => (await Api.RegisterAsync("token")).Username;

    private async Task AssertRejectedAsync(string token)
    {
        using var response = await Api.WhoAmIAsync(token);
        await response.AssertProblemAsync(401);
    }

    private RsaSecurityKey SigningKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(Api.DataFolder, "keys", "signing.pem")));
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportParameters(false).Modulus!))[..16];
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    private string Mint(string username, string? issuer = null, string audience = "klusterkluck", DateTime? expires = null, RsaSecurityKey? key = null)
    {
        var descriptor = Descriptor(username, issuer ?? Api.Issuer, audience, expires ?? DateTime.UtcNow.AddMinutes(5));
        descriptor.SigningCredentials = new SigningCredentials(key ?? SigningKey(), SecurityAlgorithms.RsaSha256);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static SecurityTokenDescriptor Descriptor(string username, string issuer, string audience, DateTime expires) => new()
    {
        Issuer = issuer,
        Audience = audience,
        IssuedAt = expires.AddMinutes(-10),
        NotBefore = expires.AddMinutes(-10),
        Expires = expires,
        Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("preferred_username", username)]),
    };
}
