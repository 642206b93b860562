using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Limits;

/// <summary>How many functions, flows, replicas and connectors a user may have, and how often a timer may fire: crossing one is a 422 naming it, and nothing is half made.</summary>
[Collection(LimitsCollection.Name)]
public sealed class CountLimitsTests(LimitsFixture fixture)
{
    [Fact]
    public async Task AFunctionOverTheCountLimitLeavesNoRepositoryBehind()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "count");
        for (var i = 0; i < LimitsFixture.MaxFunctions; i++)
        {
            await user.CreateFunctionAsync($"site-{i}", "static");
        }

        using var over = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "one-more", kind = "static" });

        var problem = await AssertLimitAsync(over, "Limits:MaxFunctionsPerUser");
        Assert.Contains($"one user may have at most {LimitsFixture.MaxFunctions}", problem.GetProperty("detail").GetString());
        Assert.False(Directory.Exists(Path.Combine(fixture.Api.DataFolder, "repos", user.Username, "one-more.git")));
        using var missing = await user.Client.GetAsync("/api/v1/functions/one-more");
        await missing.AssertProblemAsync(404);
        Assert.Equal(LimitsFixture.MaxFunctions, (await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions")).GetArrayLength());

        await user.DeleteAsync("site-0");
        await user.CreateFunctionAsync("one-more", "static");
    }

    [Fact]
    public async Task ReplicasOverTheLimitCreateNothing()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "replicas");

        using var fixedReplicas = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "wide", kind = "static", replicas = 3 });
        using var autoscaled = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "wide", kind = "static", replicas = 1, maxReplicas = 4 });

        await AssertLimitAsync(fixedReplicas, "Limits:MaxReplicasPerFunction");
        await AssertLimitAsync(autoscaled, "Limits:MaxAutoscaleReplicasPerFunction");
        Assert.Equal(0, (await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions")).GetArrayLength());
        Assert.False(Directory.Exists(Path.Combine(fixture.Api.DataFolder, "repos", user.Username, "wide.git")));
    }

    [Fact]
    public async Task AFlowOverTheCountLimitIsNotStored()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "flows");
        await user.CreateFunctionAsync("target", "static");
        await user.CreateFlowAsync("first", Nodes(Timer("tick", "1h")), [Edge("tick", "f")]);

        using var over = await user.Client.PostAsJsonAsync("/api/v1/flows", new { name = "second", nodes = Nodes(Timer("tick", "1h")), edges = new[] { Edge("tick", "f") } });

        await AssertLimitAsync(over, "Limits:MaxFlowsPerUser");
        Assert.Equal(1, (await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/flows")).GetArrayLength());
    }

    [Fact]
    public async Task AFlowWithTooManyConnectorsIsNeitherStoredNorDeployed()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "connectors");
        await user.CreateFunctionAsync("target", "static");
        var three = Nodes(Timer("a", "1h"), Timer("b", "1h"), Timer("c", "1h"));
        object[] edges = [Edge("a", "f"), Edge("b", "f"), Edge("c", "f")];

        using var created = await user.Client.PostAsJsonAsync("/api/v1/flows", new { name = "busy", nodes = three, edges });
        using var validated = await user.Client.PostAsJsonAsync("/api/v1/flows/validate", new { nodes = three, edges });

        await AssertLimitAsync(created, "Limits:MaxConnectorsPerFlow");
        await AssertLimitAsync(validated, "Limits:MaxConnectorsPerFlow");
        using var missing = await user.Client.GetAsync("/api/v1/flows/busy");
        await missing.AssertProblemAsync(404);

        await user.CreateFlowAsync("busy", Nodes(Timer("a", "1h")), [Edge("a", "f")]);
        await user.DeployFlowAsync("busy");
        using var updated = await user.Client.PutAsJsonAsync("/api/v1/flows/busy", new { nodes = three, edges });
        await AssertLimitAsync(updated, "Limits:MaxConnectorsPerFlow");
        var flow = await user.GetFlowAsync("busy");
        Assert.Single(flow.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("kind").GetString() == "connector");
        Assert.True(flow.GetProperty("deployment").GetProperty("upToDate").GetBoolean());
        Assert.Single(flow.GetProperty("connectors").EnumerateArray());
    }

    [Theory]
    [InlineData("KK_TIMER_INTERVAL", "1ms")]
    [InlineData("KK_TIMER_INTERVAL", "4.5s")]
    [InlineData("KK_TIMER_CRON", "*/2 * * * * ?")]
    [InlineData("KK_TIMER_CRON", "0,1 0 0 * * ?")]
    public async Task ATimerFiringMoreOftenThanTheLimitIsRefused(string variable, string value)
    {
        using var user = await UserSession.StartAsync(fixture.Api, "timer");
        await user.CreateFunctionAsync("target", "static");
        var nodes = Nodes(Connector("tick", "timer", (variable, value)));
        object[] edges = [Edge("tick", "f")];

        using var validated = await user.Client.PostAsJsonAsync("/api/v1/flows/validate", new { nodes, edges });
        using var created = await user.Client.PostAsJsonAsync("/api/v1/flows", new { name = "often", nodes, edges });

        var problem = await AssertLimitAsync(validated, "Limits:MinTimerInterval");
        Assert.True(problem.GetProperty("errors").TryGetProperty($"nodes[0].config.{variable}", out _), problem.ToString());
        await AssertLimitAsync(created, "Limits:MinTimerInterval");
        using var missing = await user.Client.GetAsync("/api/v1/flows/often");
        await missing.AssertProblemAsync(404);
    }

    [Fact]
    public async Task ATimerAtTheLimitIsAccepted()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "timer-ok");
        await user.CreateFunctionAsync("target", "static");

        await user.CreateFlowAsync("interval", Nodes(Timer("tick", "5s")), [Edge("tick", "f")]);
        using var cron = await user.Client.PutAsJsonAsync("/api/v1/flows/interval",
            new { nodes = Nodes(Connector("tick", "timer", ("KK_TIMER_CRON", "*/5 * * * * ?"))), edges = new[] { Edge("tick", "f") } });
        using var monthly = await user.Client.PostAsJsonAsync("/api/v1/flows/validate",
            new { nodes = Nodes(Connector("tick", "timer", ("KK_TIMER_CRON", "0 0 0 L * ?"))), edges = new[] { Edge("tick", "f") } });

        Assert.Equal(HttpStatusCode.OK, cron.StatusCode);
        Assert.Equal(HttpStatusCode.OK, monthly.StatusCode);
    }

    internal static object Timer(string id, string interval) => Connector(id, "timer", ("KK_TIMER_INTERVAL", interval));

    /// <summary>The connectors, and the function node they feed.</summary>
    private static object[] Nodes(params object[] connectors) => [.. connectors, Function("f", "target")];

    internal static async Task<JsonElement> AssertLimitAsync(HttpResponseMessage response, string key, int status = 422)
    {
        var problem = await response.AssertProblemAsync(status);
        Assert.Equal(key, problem.GetProperty("limit").GetString());
        Assert.Contains(key, problem.GetProperty("detail").GetString());
        return problem;
    }
}
