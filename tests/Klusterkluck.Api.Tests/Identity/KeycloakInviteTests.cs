using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>With Keycloak, the Api's registration policy and invites work alike; admins are named in configuration (or hold Keycloak's admin role).</summary>
public sealed class KeycloakInviteTests
{
    [Fact]
    public async Task AKeycloakAdminsInviteAdmitsOneRegistrationThroughTheRealm()
    {
        await using var keycloak = await KeycloakDouble.StartAsync();
        using var data = new TempFolder();
        var environment = keycloak.ApiEnvironment();
        environment["Identity__Registration"] = "Invite";
        environment["Identity__Admins__0"] = "kc-boss";
        await using var api = await ApiProcess.StartAsync(data.Path, environment);

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/invites");
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keycloak.AccessToken("kc-boss"));
        using var created = await api.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

        using var refused = await api.PostJsonAsync("/api/v1/auth/register", new { username = "kc-walk-in", password = "tr0ub4dor-and-3", email = "kc-walk-in@example.com" });
        await refused.AssertProblemAsync(403);
        using var invited = await api.PostJsonAsync("/api/v1/auth/register", new { username = "kc-guest", password = "tr0ub4dor-and-3", email = "kc-guest@example.com", invite = code });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        Assert.NotNull(keycloak.FindUser("kc-guest"));
        Assert.Null(keycloak.FindUser("kc-walk-in"));

        using var notAdmin = new HttpRequestMessage(HttpMethod.Post, "/api/v1/invites");
        notAdmin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keycloak.AccessToken("kc-guest"));
        using var forbidden = await api.Client.SendAsync(notAdmin);
        await forbidden.AssertProblemAsync(403);
    }
}
