using System.Net;

namespace Klusterkluck.Api.Tests.Identity;

public sealed class KeycloakProviderTests(KeycloakFixture fixture) : IClassFixture<KeycloakFixture>
{
    private ApiProcess Api => fixture.Api;

    private KeycloakDouble Keycloak => fixture.Keycloak;

    [Fact]
    public async Task RegistrationCreatesTheUserInKeycloakWithTheirPassword()
    {
        var (username, password) = await Api.RegisterAsync("kc");

        var user = Keycloak.FindUser(username);
        Assert.NotNull(user);
        Assert.Equal(password, user.Password);
        Assert.Equal($"{username}@example.com", user.Email);
    }

    [Fact]
    public async Task LoginWhoAmIAndRefreshGoThroughTheRealm()
    {
        var (username, password) = await Api.RegisterAsync("kc");
        var tokens = await Api.LoginAsync(username, password);
        Assert.Equal(Keycloak.Realm.AccessTokenLifespan, tokens.GetProperty("expiresIn").GetInt32());

        using var whoami = await Api.WhoAmIAsync(tokens.GetProperty("accessToken").GetString()!);
        var me = await whoami.JsonAsync();
        Assert.Equal(username, me.GetProperty("username").GetString());
        Assert.Equal(username, me.GetProperty("tenant").GetString());
        Assert.Equal("Keycloak", me.GetProperty("provider").GetString());
        var roles = me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("klusterkluck-user", roles);  // realm_access.roles
        Assert.Contains("developer", roles);          // resource_access.klusterkluck.roles
        Assert.DoesNotContain("manage-account", roles); // another client's role

        using var refreshed = await Api.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var again = await Api.WhoAmIAsync((await refreshed.JsonAsync()).GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordOrRefreshTokenIsUnauthorized()
    {
        var (username, _) = await Api.RegisterAsync("kc");
        using var login = await Api.PostJsonAsync("/api/v1/auth/login", new { username, password = "wrong-password-1" });
        await login.AssertProblemAsync(401);
        using var refresh = await Api.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = "nope" });
        await refresh.AssertProblemAsync(401);
    }

    [Fact]
    public async Task ATakenUsernameOrEmailIsAConflict()
    {
        var (username, password) = await Api.RegisterAsync("kc");
        using var sameName = await Api.PostJsonAsync("/api/v1/auth/register", new { username, password, email = $"x-{username}@example.com" });
        using var sameEmail = await Api.PostJsonAsync("/api/v1/auth/register", new { username = username + "-b", password, email = $"{username}@example.com" });
        Assert.Contains("username", (await sameName.AssertProblemAsync(409)).GetProperty("title").GetString());
        Assert.Contains("email", (await sameEmail.AssertProblemAsync(409)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task APasswordTheRealmRefusesIsABadRequestAndLeavesNoUserBehind()
    {
        var username = $"kc-{Guid.NewGuid():N}"[..16];
        using var response = await Api.PostJsonAsync("/api/v1/auth/register", new { username, password = "no-digits-at-all", email = $"{username}@example.com" });
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("digits", problem.GetProperty("detail").GetString());
        Assert.Null(Keycloak.FindUser(username));
    }

    [Fact]
    public async Task AUserMadeInKeycloakDirectlyGetsATenantOnFirstUse()
    {
        var username = $"console-{Guid.NewGuid():N}"[..20];
        Keycloak.AddUser(username, "made-in-console-1");
        var tokens = await Api.LoginAsync(username, "made-in-console-1");
        using var whoami = await Api.WhoAmIAsync(tokens.GetProperty("accessToken").GetString()!);
        Assert.Equal(username, (await whoami.JsonAsync()).GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task AKeycloakUsernameThatIsNoDnsLabelCannotOwnATenant()
    {
        var username = $"first.last-{Guid.NewGuid():N}"[..20];
        Keycloak.AddUser(username, "made-in-console-1");
        var tokens = await Api.LoginAsync(username, "made-in-console-1");
        using var whoami = await Api.WhoAmIAsync(tokens.GetProperty("accessToken").GetString()!);
        await whoami.AssertProblemAsync(403);
    }

    [Fact]
    public async Task TokensFromAnotherKeyForAnotherAudienceOrExpiredAreRejected()
    {
        var (username, _) = await Api.RegisterAsync("kc");
        using (var control = await Api.WhoAmIAsync(Keycloak.AccessToken(username)))
        {
            Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        }
        foreach (var token in new[]
        {
            Keycloak.AccessToken(username, foreignKey: true),
            Keycloak.AccessToken(username, audience: "account"),
            Keycloak.AccessToken(username, validFor: TimeSpan.FromMinutes(-2)),
        })
        {
            using var response = await Api.WhoAmIAsync(token);
            await response.AssertProblemAsync(401);
        }
    }

    [Fact]
    public async Task EmbeddedTokensAreNotAcceptedByAKeycloakApi()
    {
        using var data = new TempFolder();
        await using var embedded = await ApiProcess.StartAsync(data.Path);
        var (username, password) = await embedded.RegisterAsync("cross");
        var token = (await embedded.LoginAsync(username, password)).GetProperty("accessToken").GetString()!;
        using var response = await Api.WhoAmIAsync(token);
        await response.AssertProblemAsync(401);
    }
}
