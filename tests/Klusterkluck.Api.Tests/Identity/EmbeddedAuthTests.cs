using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Tests.Identity;

public sealed class EmbeddedAuthTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ApiProcess Api => fixture.Api;

    [Fact]
    public async Task TheReadmeExampleWorksAsWritten()
    {
        var (username, password) = await Api.RegisterAsync("readme");
        // Exactly the request curl sends for the README's example.
        using var login = await Api.Client.PostAsync("/api/v1/auth/login", new StringContent(
            $$"""{"username":"{{username}}","password":"{{password}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.JsonAsync();
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.InRange(tokens.GetProperty("expiresIn").GetInt32(), 3000, 3600);
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refreshToken").GetString()));

        using var whoami = await Api.WhoAmIAsync(tokens.GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        var me = await whoami.JsonAsync();
        Assert.Equal(username, me.GetProperty("username").GetString());
        Assert.Equal(username, me.GetProperty("tenant").GetString());
        Assert.Equal($"{username}@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Embedded", me.GetProperty("provider").GetString());
    }

    [Fact]
    public async Task RefreshGivesAWorkingAccessToken()
    {
        var (username, password) = await Api.RegisterAsync("refresh");
        var tokens = await Api.LoginAsync(username, password);

        using var refreshed = await Api.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var next = await refreshed.JsonAsync();
        using var whoami = await Api.WhoAmIAsync(next.GetProperty("accessToken").GetString()!);
        Assert.Equal(username, (await whoami.JsonAsync()).GetProperty("username").GetString());
    }

    [Fact]
    public async Task AnInvalidRefreshTokenIsRefused()
    {
        using var response = await Api.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-refresh-token" });
        await response.AssertProblemAsync(401);
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUserGetTheSameAnswer()
    {
        var (username, _) = await Api.RegisterAsync("wrong");
        using var wrongPassword = await Api.PostJsonAsync("/api/v1/auth/login", new { username, password = "not-the-password" });
        using var unknownUser = await Api.PostJsonAsync("/api/v1/auth/login", new { username = "nobody-" + username, password = "not-the-password" });

        var first = await wrongPassword.AssertProblemAsync(401);
        var second = await unknownUser.AssertProblemAsync(401);
        Assert.Equal(first.GetProperty("title").GetString(), second.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ATakenUsernameOrEmailIsAConflict()
    {
        var (username, password) = await Api.RegisterAsync("taken");
        using var sameName = await Api.PostJsonAsync("/api/v1/auth/register", new { username, password, email = "other-" + username + "@example.com" });
        using var sameEmail = await Api.PostJsonAsync("/api/v1/auth/register", new { username = username + "-2", password, email = username + "@example.com" });

        Assert.Contains("username", (await sameName.AssertProblemAsync(409)).GetProperty("title").GetString());
        Assert.Contains("email", (await sameEmail.AssertProblemAsync(409)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task AnEmailAddressIsTakenWhateverItsCase()
    {
        var name = $"case-{Guid.NewGuid():N}"[..20];
        using var first = await Api.PostJsonAsync("/api/v1/auth/register", new { username = name, password = "tr0ub4dor-and-3", email = $"{name.ToUpperInvariant()}@example.com" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await Api.PostJsonAsync("/api/v1/auth/register", new { username = name + "-2", password = "tr0ub4dor-and-3", email = $"{name}@EXAMPLE.com" });

        Assert.Contains("email", (await second.AssertProblemAsync(409)).GetProperty("title").GetString());
        // The address is kept as it was written.
        Assert.Equal($"{name.ToUpperInvariant()}@example.com", (await first.JsonAsync()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task WhoAmIWithoutATokenIsAProblem()
    {
        using var response = await Api.Client.GetAsync("/api/v1/auth/whoami");
        await response.AssertProblemAsync(401);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task TheTokenEndpointSpeaksPlainOAuth()
    {
        var (username, password) = await Api.RegisterAsync("oauth");
        using var response = await Api.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = username,
            ["password"] = password,
            ["scope"] = "offline_access",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.JsonAsync();
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.True(tokens.TryGetProperty("refresh_token", out _));

        using var refused = await Api.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = username,
            ["password"] = "wrong-password",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_grant", (await refused.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task AccessTokensVerifyAgainstTheDiscoveryDocumentAndJwks()
    {
        var discovery = await Api.Client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(Api.Issuer, discovery.GetProperty("issuer").GetString());
        var jwks = new JsonWebKeySet(await Api.Client.GetStringAsync(new Uri(discovery.GetProperty("jwks_uri").GetString()!)));

        var (username, password) = await Api.RegisterAsync("jwks");
        var accessToken = (await Api.LoginAsync(username, password)).GetProperty("accessToken").GetString();

        // What a worker does with KK_AUTH_AUTHORITY pointing at the Api.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, new TokenValidationParameters
        {
            ValidIssuer = Api.Issuer,
            ValidAudience = "klusterkluck",
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(username, result.Claims["preferred_username"]);
        Assert.Equal("RS256", ((JsonWebToken)result.SecurityToken).Alg);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheAuthEndpoints()
    {
        var document = await Api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/whoami" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task HealthEndpointsAnswer()
    {
        using var health = await Api.Client.GetAsync("/health");
        using var alive = await Api.Client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
