using System.Net;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>Why a flow's connector keeps restarting, and what it printed, can be read through the API by the flow's owner.</summary>
[Collection(FlowCollection.Name)]
public sealed class ConnectorLogTests(FlowFixture fixture)
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task AConnectorThatKeepsFailingShowsWhyAndItsOutputIsReadableByItsOwnerOnly()
    {
        // Nothing listens there: the nats connector fails as it starts, and is restarted, again and again.
        var nowhere = $"nats://127.0.0.1:{ServiceProcess.FreePort()}";
        await User.CreateFlowAsync("unreachable", [Connector("queue", "nats", ("KK_NATS_URL", nowhere), ("KK_NATS_SUBJECT", "orders")), Function("a", "echo")],
            [Edge("queue", "a")]);
        await User.DeployFlowAsync("unreachable");

        var connector = await WaitForErrorAsync("unreachable", "queue");
        using var log = await User.Client.GetAsync("/api/v1/flows/unreachable/connectors/queue/logs?lines=50");
        using var tooMany = await User.Client.GetAsync("/api/v1/flows/unreachable/connectors/queue/logs?lines=0");
        using var noSuchNode = await User.Client.GetAsync("/api/v1/flows/unreachable/connectors/a/logs");
        using var other = await UserSession.StartAsync(fixture.Api, "snoop");
        using var theirs = await other.Client.GetAsync("/api/v1/flows/unreachable/connectors/queue/logs");

        Assert.Equal("restarting", connector.GetProperty("state").GetString());
        var error = connector.GetProperty("error").GetString()!;
        Assert.Contains("Connector nats failed", error);
        Assert.Contains("exit code 1", error);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        Assert.Equal("text/plain", log.Content.Headers.ContentType?.MediaType);
        var text = await log.Content.ReadAsStringAsync();
        Assert.Contains("Connector nats failed", text);
        Assert.Contains(nowhere, text);
        Assert.InRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 1, 50);
        await tooMany.AssertProblemAsync(400);
        await noSuchNode.AssertProblemAsync(404);
        var unknown = await theirs.AssertProblemAsync(404);
        Assert.Equal("Unknown flow", unknown.GetProperty("title").GetString());
    }

    /// <summary>Waits (bounded) until the connector is between two runs and says why the last one ended; returns its status.</summary>
    private async Task<JsonElement> WaitForErrorAsync(string flow, string node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var connector = (await User.GetFlowAsync(flow)).GetProperty("connectors").EnumerateArray().Single(c => c.GetProperty("node").GetString() == node);
            if (connector.GetProperty("state").GetString() == "restarting" && connector.GetProperty("error").ValueKind == JsonValueKind.String)
            {
                return connector;
            }
            Assert.True(DateTime.UtcNow < deadline, $"connector {node} of {flow} did not fail: {connector}");
            await Task.Delay(200);
        }
    }
}
