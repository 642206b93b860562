using System.Text.Json;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>
/// The same relying party, written by nobody here (npm's openid-client v5, tests/oidc-client),
/// signs in against the embedded provider and against Keycloak (the double) unchanged: discovery,
/// password grant, code flow with PKCE through the provider's own sign-in page, refresh, userinfo.
/// </summary>
public sealed class StandardClientTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task OpenIdClientSignsInWithTheEmbeddedProvider()
    {
        var (username, password) = await fixture.Api.RegisterAsync("rp");

        var summary = await RunAsync(fixture.Api.Issuer, username, password);

        AssertStandard(summary, fixture.Api.Issuer, username);
        Assert.Equal(["Username", "Password"], Strings(summary.GetProperty("loginPage").GetProperty("labels")));
        Assert.Equal(["Sign in"], Strings(summary.GetProperty("loginPage").GetProperty("buttons")));
        Assert.Equal(username, summary.GetProperty("code").GetProperty("id_token").GetProperty("name").GetString());
    }

    [Fact]
    public async Task OpenIdClientSignsInWithKeycloakUnchanged()
    {
        await using var keycloak = await KeycloakDouble.StartAsync();
        var username = $"rp-{Guid.NewGuid():N}"[..16];
        keycloak.AddUser(username, "tr0ub4dor-and-3");

        var summary = await RunAsync(keycloak.Issuer, username, "tr0ub4dor-and-3");

        AssertStandard(summary, keycloak.Issuer, username);
        Assert.Equal(["Username or email", "Password"], Strings(summary.GetProperty("loginPage").GetProperty("labels")));
        Assert.Equal(["Sign In"], Strings(summary.GetProperty("loginPage").GetProperty("buttons")));
    }

    private static void AssertStandard(JsonElement summary, string issuer, string username)
    {
        Assert.Equal(issuer, summary.GetProperty("issuer").GetString());
        var discovery = summary.GetProperty("discovery");
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "end_session_endpoint", "jwks_uri" })
        {
            Assert.StartsWith(issuer.TrimEnd('/'), discovery.GetProperty(endpoint).GetString());
        }
        Assert.Contains("S256", Strings(discovery.GetProperty("code_challenge_methods_supported")));

        var password = summary.GetProperty("password");
        Assert.True(password.GetProperty("access_token").GetBoolean());
        Assert.True(password.GetProperty("refresh_token").GetBoolean());

        var idToken = summary.GetProperty("code").GetProperty("id_token");
        Assert.Equal(issuer, idToken.GetProperty("iss").GetString());
        Assert.Equal("klusterkluck", idToken.GetProperty("aud").GetString());
        Assert.Equal(username, idToken.GetProperty("preferred_username").GetString());
        Assert.Equal($"{username}@example.com", idToken.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(idToken.GetProperty("nonce").GetString()));
        Assert.True(summary.GetProperty("code").GetProperty("refresh_token").GetBoolean());

        var refreshed = summary.GetProperty("refreshed");
        Assert.True(refreshed.GetProperty("access_token_differs").GetBoolean());
        Assert.True(refreshed.GetProperty("refresh_token_differs").GetBoolean());
        Assert.Equal(idToken.GetProperty("sub").GetString(), refreshed.GetProperty("id_token").GetProperty("sub").GetString());

        var userinfo = summary.GetProperty("userinfo");
        Assert.Equal(username, userinfo.GetProperty("preferred_username").GetString());
        Assert.Equal(idToken.GetProperty("sub").GetString(), userinfo.GetProperty("sub").GetString());
    }

    private static async Task<JsonElement> RunAsync(string issuer, string username, string password)
    {
        var script = Path.Combine(Infrastructure.Kubernetes.KubernetesSchema.RepositoryRoot, "tests", "oidc-client", "standard-client.mjs");
        var environment = new Dictionary<string, string>
        {
            ["OIDC_ISSUER"] = issuer,
            ["OIDC_USERNAME"] = username,
            ["OIDC_PASSWORD"] = password,
        };
        // Off the test's thread: the Keycloak double answers the script from this process.
        var (exitCode, output, error) = await Task.Run(() =>
            CommandLine.Run("node", Path.GetDirectoryName(script)!, environment, TimeSpan.FromMinutes(1), script));
        Assert.True(exitCode == 0, $"standard-client.mjs exited {exitCode}: {error}{output}");
        return JsonSerializer.Deserialize<JsonElement>(output);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
