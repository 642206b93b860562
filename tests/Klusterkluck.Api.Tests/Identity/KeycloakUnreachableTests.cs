namespace Klusterkluck.Api.Tests.Identity;

public sealed class KeycloakUnreachableTests
{
    [Fact]
    public async Task LoginAndRegisterAnswerBadGatewayProblemsWhenKeycloakIsDown()
    {
        using var data = new TempFolder();
        var environment = new Dictionary<string, string>
        {
            ["Identity__Provider"] = "Keycloak",
            ["Keycloak__realm"] = "klusterkluck",
            ["Keycloak__auth-server-url"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
            ["Keycloak__resource"] = "klusterkluck",
            ["Keycloak__admin__resource"] = "klusterkluck-admin",
            // Nothing listens: no retries to wait for.
            ["Keycloak__admin__credentials__secret"] = "x",
        };
        await using var api = await ApiProcess.StartAsync(data.Path, environment);

        using var login = await api.PostJsonAsync("/api/v1/auth/login", new { username = "alice", password = "whatever-1" });
        await login.AssertProblemAsync(502);
        using var register = await api.PostJsonAsync("/api/v1/auth/register", new { username = "alice", password = "whatever-1", email = "a@example.com" });
        await register.AssertProblemAsync(502);
    }
}
