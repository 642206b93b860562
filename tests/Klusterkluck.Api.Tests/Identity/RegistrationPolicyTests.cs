using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>Identity:Registration (Open, Closed, Invite) and the admins who create invites, each on an Api of the test's own.</summary>
public sealed partial class RegistrationPolicyTests
{
    private const string Password = "tr0ub4dor-and-3";

    [Fact]
    public async Task ClosedRegistrationRefusesEveryone()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Identity__Registration"] = "Closed" });

        using var plain = await RegisterAsync(api, "closed-out");
        Assert.Equal("Registration is closed", (await plain.AssertProblemAsync(403)).GetProperty("title").GetString());
        using var withInvite = await RegisterAsync(api, "closed-out", invite: "AAAAAAAAAAAAAAAAAAAAAA");
        await withInvite.AssertProblemAsync(403);
    }

    [Fact]
    public async Task AnApiListeningBeyondLoopbackTakesInvitesByDefault()
    {
        using var data = new TempFolder();
        var port = ServiceProcess.FreePort();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}" }, port);

        using var response = await RegisterAsync(api, "walk-in");
        Assert.Equal("An invite is required", (await response.AssertProblemAsync(403)).GetProperty("title").GetString());
        Assert.True(await api.WaitForOutputAsync("Registration: Invite"), api.Output);
    }

    [Fact]
    public async Task EachInviteAdmitsOneRegistration()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, InviteOnly(("Identity__Admins__0", "boss"), ("Identity__Admins__1", "deputy")));
        var firstCode = await FirstAdminCodeAsync(api);

        using (var none = await RegisterAsync(api, "walk-in"))
        {
            Assert.Equal("An invite is required", (await none.AssertProblemAsync(403)).GetProperty("title").GetString());
        }
        using (var madeUp = await RegisterAsync(api, "walk-in", invite: "AAAAAAAAAAAAAAAAAAAAAA"))
        {
            Assert.Equal("The invite is not valid", (await madeUp.AssertProblemAsync(403)).GetProperty("title").GetString());
        }
        using (var boss = await RegisterAsync(api, "boss", invite: firstCode))
        {
            Assert.Equal(HttpStatusCode.Created, boss.StatusCode);
        }
        using (var again = await RegisterAsync(api, "copycat", invite: firstCode))
        {
            Assert.Equal("The invite is not valid", (await again.AssertProblemAsync(403)).GetProperty("title").GetString());
        }

        using var admin = await UserSession.LoginAsync(api, "boss", Password);
        var me = await (await admin.Client.GetAsync("/api/v1/auth/whoami")).JsonAsync();
        Assert.Contains("admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var invite = await CreateInviteAsync(admin);
        // A registration that fails keeps the code: the name is refused, the invite not spent.
        using (var taken = await RegisterAsync(api, "boss", invite: invite.GetProperty("code").GetString()))
        {
            await taken.AssertProblemAsync(409);
        }
        using (var guest = await RegisterAsync(api, "guest", invite: invite.GetProperty("code").GetString()))
        {
            Assert.Equal(HttpStatusCode.Created, guest.StatusCode);
        }
        using (var reused = await RegisterAsync(api, "guest-2", invite: invite.GetProperty("code").GetString()))
        {
            await reused.AssertProblemAsync(403);
        }

        // Only admins create invites; anonymous callers need a token first.
        using var guestSession = await UserSession.LoginAsync(api, "guest", Password);
        using (var notAdmin = await guestSession.Client.PostAsync("/api/v1/invites", null))
        {
            await notAdmin.AssertProblemAsync(403);
        }
        using (var anonymous = await api.Client.PostAsync("/api/v1/invites", null))
        {
            await anonymous.AssertProblemAsync(401);
        }

        var listed = await admin.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/invites");
        Assert.Equal(["boss", "guest"], listed!.Select(i => i.GetProperty("usedBy").GetString()));
        Assert.Equal([null, "boss"], listed!.Select(i => i.GetProperty("createdBy").GetString()));
        Assert.DoesNotContain(firstCode, JsonSerializer.Serialize(listed));

        // A revoked invite admits nobody.
        var revoked = await CreateInviteAsync(admin);
        using (var revoke = await admin.Client.DeleteAsync($"/api/v1/invites/{revoked.GetProperty("id").GetString()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using (var late = await RegisterAsync(api, "late", invite: revoked.GetProperty("code").GetString()))
        {
            await late.AssertProblemAsync(403);
        }
        using var gone = await admin.Client.DeleteAsync($"/api/v1/invites/{revoked.GetProperty("id").GetString()}");
        await gone.AssertProblemAsync(404);
    }

    [Fact]
    public async Task InvitesAndAdminsSurviveARestart()
    {
        using var data = new TempFolder();
        var environment = InviteOnly(("Identity__Admin", "boss"));
        string code;
        int port;
        await using (var first = await ApiProcess.StartAsync(data.Path, environment))
        {
            port = first.Port;
            using (var boss = await RegisterAsync(first, "boss", invite: await FirstAdminCodeAsync(first)))
            {
                Assert.Equal(HttpStatusCode.Created, boss.StatusCode);
            }
            using var admin = await UserSession.LoginAsync(first, "boss", Password);
            code = (await CreateInviteAsync(admin)).GetProperty("code").GetString()!;
        }

        await using var second = await ApiProcess.StartAsync(data.Path, environment, port);
        using (var guest = await RegisterAsync(second, "guest", invite: code))
        {
            Assert.Equal(HttpStatusCode.Created, guest.StatusCode);
        }
        using var again = await UserSession.LoginAsync(second, "boss", Password);
        await CreateInviteAsync(again);
        // The admin exists now: no code for a first admin is logged any more.
        Assert.True(await second.WaitForOutputAsync("Registration: Invite"), second.Output);
        Assert.DoesNotContain("No admin has registered yet", second.Output);
    }

    private static Dictionary<string, string> InviteOnly(params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string> { ["Identity__Registration"] = "Invite" };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }
        return environment;
    }

    private static Task<HttpResponseMessage> RegisterAsync(ApiProcess api, string username, string? invite = null) =>
        api.PostJsonAsync("/api/v1/auth/register", new { username, password = Password, email = $"{username}@example.com", invite });

    private static async Task<JsonElement> CreateInviteAsync(UserSession admin)
    {
        using var response = await admin.Client.PostAsync("/api/v1/invites", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"invite answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    /// <summary>The single-use code the Api logs at start while no configured admin has registered.</summary>
    private static async Task<string> FirstAdminCodeAsync(ApiProcess api)
    {
        Assert.True(await api.WaitForOutputAsync("No admin has registered yet"), api.Output);
        return FirstAdminCode().Match(api.Output).Groups[1].Value;
    }

    [GeneratedRegex(@"invite code (\S+) \(")]
    private static partial Regex FirstAdminCode();
}
