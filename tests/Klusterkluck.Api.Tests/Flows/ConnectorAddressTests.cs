using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>
/// Where a flow's http connector listens is the platform's to say: a loopback port of its own,
/// shown to the flow's owner, which no other tenant can name or take.
/// </summary>
[Collection(FlowCollection.Name)]
public sealed class ConnectorAddressTests(FlowFixture fixture)
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task TwoTenantsConnectorsListenOnLoopbackPortsOfTheirOwnThatNeitherCanName()
    {
        using var other = await UserSession.StartAsync(fixture.Api, "tenant-b");
        await other.CreateWithCodeAsync("echo", "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions["echo"] });
        // The same flow and node names for both: only the owner tells them apart.
        await User.CreateFlowAsync("ingress", [Http("in"), Function("a", "echo")], [Edge("in", "a")]);
        await other.CreateFlowAsync("ingress", [Http("in"), Function("a", "echo")], [Edge("in", "a")]);
        await User.DeployFlowAsync("ingress");
        await other.DeployFlowAsync("ingress");

        var mine = new Uri(await User.ConnectorUrlAsync("ingress", "in"));
        var theirs = new Uri(await other.ConnectorUrlAsync("ingress", "in"));

        Assert.Equal("127.0.0.1", mine.Host);
        Assert.Equal("127.0.0.1", theirs.Host);
        Assert.NotEqual(mine.Port, theirs.Port);
        Assert.Equal(HttpStatusCode.Accepted, await PostToConnectorAsync($"{mine}to-a", "for the first tenant"));
        Assert.Equal(HttpStatusCode.Accepted, await PostToConnectorAsync($"{theirs}to-b", "for the second tenant"));
        var first = await User.WaitForRunAsync("ingress", r => r.Step("a").OutputText() == "for the first tenant");
        var second = await other.WaitForRunAsync("ingress", r => r.Step("a").OutputText() == "for the second tenant");
        Assert.Equal("succeeded", first.GetProperty("status").GetString());
        Assert.Equal("succeeded", second.GetProperty("status").GetString());
        Assert.Single(await User.GetRunsAsync("ingress"));
        Assert.Single(await other.GetRunsAsync("ingress"));

        // Naming the other tenant's address, by creating, updating or validating a flow: refused, the setting named.
        object[] nodes = [Connector("in", "http", ("KK_HTTP_URLS", mine.ToString())), Function("a", "echo")];
        object[] edges = [Edge("in", "a")];
        using var created = await other.Client.PostAsJsonAsync("/api/v1/flows", new { name = "squatter", nodes, edges });
        using var updated = await other.Client.PutAsJsonAsync("/api/v1/flows/ingress", new { nodes, edges });
        using var validated = await other.Client.PostAsJsonAsync("/api/v1/flows/validate", new { nodes, edges });
        foreach (var answer in new[] { created, updated, validated })
        {
            var problem = await answer.AssertProblemAsync(400);
            var error = problem.GetProperty("errors").GetProperty("nodes[0].config.KK_HTTP_URLS")[0].GetString();
            Assert.Contains("assigned by the platform", error);
            Assert.Contains("Connectors:AllowPublicIngress", error);
        }
        Assert.Equal(theirs, new Uri(await other.ConnectorUrlAsync("ingress", "in")));
    }

    [Fact]
    public async Task AConnectorKeepsItsAddressWhenItIsRedeployedOrRestarted()
    {
        await User.CreateFlowAsync("steady", [Http("in"), Function("a", "echo")], [Edge("in", "a")]);
        var deployed = await User.DeployFlowAsync("steady");
        var url = await User.ConnectorUrlAsync("steady", "in");
        var firstPid = ConnectorOf(deployed, "in").GetProperty("processId").GetInt32();

        object[] changed = [Connector("in", "http", ("KK_HTTP_MAX_BODY", "4096")), Function("a", "echo")];
        using (var saved = await User.Client.PutAsJsonAsync("/api/v1/flows/steady", new { nodes = changed, edges = new[] { Edge("in", "a") } }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }
        var redeployed = await User.DeployFlowAsync("steady");
        var secondPid = ConnectorOf(redeployed, "in").GetProperty("processId").GetInt32();
        Assert.NotEqual(firstPid, secondPid);
        Assert.Equal(url, await User.ConnectorUrlAsync("steady", "in"));

        System.Diagnostics.Process.GetProcessById(secondPid).Kill();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement restarted;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the killed connector did not come back");
            await Task.Delay(200);
            restarted = ConnectorOf(await User.GetFlowAsync("steady"), "in");
        }
        while (restarted.GetProperty("restarts").GetInt32() == 0 || restarted.GetProperty("url").ValueKind == JsonValueKind.Null);

        Assert.Equal(url, restarted.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.Accepted, await PostToConnectorAsync(url, "still here"));
        await User.WaitForRunAsync("steady", r => r.Step("a").OutputText() == "still here");
    }

    private static JsonElement ConnectorOf(JsonElement flow, string node) =>
        flow.GetProperty("connectors").EnumerateArray().Single(c => c.GetProperty("node").GetString() == node);
}

/// <summary>An operator may let flows choose where their connectors listen (Connectors:AllowPublicIngress).</summary>
public sealed class PublicIngressTests
{
    [Fact]
    public async Task WithTheOperatorsSwitchAFlowsConnectorListensWhereItsSettingsSay()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>(QuickEngine)
        {
            ["Connectors__AllowPublicIngress"] = "true",
        });
        using var user = await UserSession.StartAsync(api, "public");
        await user.CreateWithCodeAsync("echo", "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions["echo"] });
        var chosen = $"http://127.0.0.1:{ServiceProcess.FreePort()}";

        await user.CreateFlowAsync("chosen", [Connector("in", "http", ("KK_HTTP_URLS", chosen)), Function("a", "echo")], [Edge("in", "a")]);
        await user.DeployFlowAsync("chosen");

        Assert.Equal(chosen, await user.ConnectorUrlAsync("chosen", "in"));
        Assert.Equal(HttpStatusCode.Accepted, await PostToConnectorAsync($"{chosen}/", "where I said"));
        await user.WaitForRunAsync("chosen", r => r.Step("a").OutputText() == "where I said");
    }
}
