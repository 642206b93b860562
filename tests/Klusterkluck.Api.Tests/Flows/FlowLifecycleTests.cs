using System.Net.Http.Json;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>Deploying a flow runs its connectors; redeploying changes what runs; deleting stops them.</summary>
[Collection(FlowCollection.Name)]
public sealed class FlowLifecycleTests(FlowFixture fixture)
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task ARedeployReallyChangesWhatRunsAndADeleteStopsTheConnectors()
    {
        object[] Nodes(string payload) =>
            [Connector("tick", "timer", ("KK_TIMER_INTERVAL", "1s"), ("KK_TIMER_PAYLOAD", payload)), Function("a", "upper")];
        object[] edges = [Edge("tick", "a")];
        await User.CreateFlowAsync("changing", Nodes("first"), edges);
        var deployed = await User.DeployFlowAsync("changing");
        var firstPid = ConnectorOf(deployed, "tick").GetProperty("processId").GetInt32();
        await User.WaitForRunAsync("changing", r => r.Step("a").OutputText() == "FIRST");

        using (var saved = await User.Client.PutAsJsonAsync("/api/v1/flows/changing", new { nodes = Nodes("second"), edges }))
        {
            var flow = await saved.JsonAsync();
            Assert.False(flow.GetProperty("deployment").GetProperty("upToDate").GetBoolean());
        }
        var redeployed = await User.DeployFlowAsync("changing");
        Assert.True(redeployed.GetProperty("deployment").GetProperty("upToDate").GetBoolean());
        var secondPid = ConnectorOf(redeployed, "tick").GetProperty("processId").GetInt32();
        Assert.NotEqual(firstPid, secondPid);
        Assert.True(await Processes.WaitGoneAsync(firstPid, TimeSpan.FromSeconds(30)), "the first connector still runs");
        await User.WaitForRunAsync("changing", r => r.Step("a").OutputText() == "SECOND");

        // Deploying the same definition again leaves the running connector alone.
        var again = await User.DeployFlowAsync("changing");
        Assert.Equal(secondPid, ConnectorOf(again, "tick").GetProperty("processId").GetInt32());

        using var deleted = await User.Client.DeleteAsync("/api/v1/flows/changing");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.True(await Processes.WaitGoneAsync(secondPid, TimeSpan.FromSeconds(30)), "the connector outlived its flow");
        using var gone = await User.Client.GetAsync("/api/v1/flows/changing/runs");
        await gone.AssertProblemAsync(404);
    }

    [Fact]
    public async Task AConnectorWhoseSettingsCannotStartShowsAsFailedWithTheHostsReason()
    {
        // Declared variables are all well-formed, but the timer itself needs exactly one of cron and interval.
        await User.CreateFlowAsync("misconfigured",
            [Connector("tick", "timer", ("KK_TIMER_INTERVAL", "1s"), ("KK_TIMER_CRON", "* * * * * ?")), Function("a", "upper")], [Edge("tick", "a")]);
        await User.DeployFlowAsync("misconfigured");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement connector;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the connector never showed as failed");
            await Task.Delay(200);
            connector = ConnectorOf(await User.GetFlowAsync("misconfigured"), "tick");
        }
        while (connector.GetProperty("state").GetString() != "failed");
        Assert.Contains("KK_TIMER_CRON", connector.GetProperty("error").GetString());
    }

    private static JsonElement ConnectorOf(JsonElement flow, string node) =>
        flow.GetProperty("connectors").EnumerateArray().Single(c => c.GetProperty("node").GetString() == node);
}
