using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>Events through real connectors and real functions, step by step, as the engine records them.</summary>
[Collection(FlowCollection.Name)]
public sealed class FlowRunTests(FlowFixture fixture)
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task ATimerFeedsAChainOfTwoFunctions()
    {
        await User.CreateFlowAsync("ticker",
            [Connector("tick", "timer", ("KK_TIMER_INTERVAL", "1s"), ("KK_TIMER_PAYLOAD", "tick tock")), Function("shout", "upper"), Function("bang", "exclaim")],
            [Edge("tick", "shout"), Edge("shout", "bang")]);
        await User.DeployFlowAsync("ticker");

        var run = await User.WaitForRunAsync("ticker", r => r.GetProperty("status").GetString() == "succeeded");

        Assert.Equal("tick", run.GetProperty("sourceNode").GetString());
        Assert.Equal("tick tock", run.Step("tick").OutputText());
        Assert.Equal("TICK TOCK", run.Step("shout").OutputText());
        Assert.Equal("TICK TOCK!", run.Step("bang").OutputText());
        Assert.Equal("TICK TOCK", run.Step("bang").GetProperty("input").GetProperty("body").GetString());
        Assert.All(run.GetProperty("steps").EnumerateArray(), s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));
        Assert.True(run.GetProperty("durationMs").GetDouble() > 0);
    }

    [Fact]
    public async Task AnHttpConnectorsEventFansOutToEverySuccessor()
    {
        await User.CreateFlowAsync("fan",
            [Http("web"), Function("a", "upper"), Function("b", "exclaim")],
            [Edge("web", "a"), Edge("web", "b")]);
        await User.DeployFlowAsync("fan");

        var accepted = await PostToConnectorAsync($"{await User.ConnectorUrlAsync("fan", "web")}/orders", "hello");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted);
        var run = await User.WaitForRunAsync("fan", r => r.GetProperty("status").GetString() == "succeeded");

        Assert.Equal("HELLO", run.Step("a").OutputText());
        Assert.Equal("hello!", run.Step("b").OutputText());
    }

    [Fact]
    public async Task AJoinWaitsForAllItsPredecessorsAndPassesTheirOutputsAsAnArray()
    {
        await User.CreateFlowAsync("joined",
            [Http("in"), Function("a", "upper"),
                Function("b", "exclaim"), new { id = "both", kind = "join" }, Function("after", "echo")],
            [Edge("in", "a"), Edge("in", "b"), Edge("a", "both"), Edge("b", "both"), Edge("both", "after")]);
        await User.DeployFlowAsync("joined");

        var run = await User.WaitRunAsync("joined", await User.SendEventAsync("joined", "in", "hi"));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("""["HI","hi!"]""", run.Step("both").OutputText());
        Assert.Equal(["HI", "hi!"], JsonSerializer.Deserialize<string[]>(run.Step("after").OutputText()!)!);
    }

    /// <summary>
    /// The join must wait for store even when the if, listed first, decides at once and takes no
    /// edge: its answer is the same whichever order the edges are listed in (but its array follows
    /// the order of the edges into it).
    /// </summary>
    [Theory]
    [InlineData("join-if-first")]
    [InlineData("join-store-first")]
    public async Task AJoinAfterAnIfThatTookNoEdgeStillWaitsForItsOtherPredecessor(string name)
    {
        object[] viaIf = [Edge("web", "isvip"), Edge("isvip", "vip"), Edge("vip", "both")];
        object[] viaStore = [Edge("web", "store"), Edge("store", "both")];
        await User.CreateFlowAsync(name,
            [Http("web"), new { id = "isvip", kind = "if", config = new { condition = "$.vip == true" } }, Function("vip", "upper"),
                Function("store", "exclaim"), new { id = "both", kind = "join" }, Function("after", "echo")],
            [.. name == "join-if-first" ? viaIf.Concat(viaStore) : viaStore.Concat(viaIf), Edge("both", "after")]);
        await User.DeployFlowAsync(name);

        var run = await User.WaitRunAsync(name, await User.SendEventAsync(name, "web", """{"vip":false}""", "application/json"));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Empty(run.Steps("vip"));
        string?[] expected = name == "join-if-first" ? [null, """{"vip":false}!"""] : ["""{"vip":false}!""", null];
        Assert.Equal(expected, JsonSerializer.Deserialize<string?[]>(run.Step("both").OutputText()!));
        Assert.Equal("succeeded", run.Step("after").GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnIfRoutesEachEventOnItsCondition()
    {
        await User.CreateFlowAsync("router",
            [Http("in"),
                new { id = "big", kind = "if", config = new { condition = "$.order.total > 100 && $.order.currency == 'EUR'" } },
                Function("vip", "upper"), Function("normal", "exclaim")],
            [Edge("in", "big"), Edge("big", "vip"), Edge("big", "normal", when: false)]);
        await User.DeployFlowAsync("router");

        var large = await User.WaitRunAsync("router", await User.SendEventAsync("router", "in", """{"order":{"total":250,"currency":"EUR"}}""", "application/json"));
        var small = await User.WaitRunAsync("router", await User.SendEventAsync("router", "in", """{"order":{"total":20,"currency":"EUR"}}""", "application/json"));

        Assert.True(large.Step("big").GetProperty("branch").GetBoolean());
        Assert.Single(large.Steps("vip"));
        Assert.Empty(large.Steps("normal"));
        Assert.False(small.Step("big").GetProperty("branch").GetBoolean());
        Assert.Empty(small.Steps("vip"));
        Assert.Equal("""{"order":{"total":20,"currency":"EUR"}}!""", small.Step("normal").OutputText());
    }

    [Fact]
    public async Task AStepThatFailsTwiceIsRetriedUntilItSucceeds()
    {
        await User.CreateFlowAsync("retrying",
            [Http("in"), Function("flaky", "flaky")],
            [Edge("in", "flaky")]);
        await User.DeployFlowAsync("retrying");

        var run = await User.WaitRunAsync("retrying", await User.SendEventAsync("retrying", "in", "go"));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var step = run.Step("flaky");
        Assert.Equal(3, step.GetProperty("attempts").GetInt32());
        Assert.Equal("ok after 3 attempts", step.OutputText());
    }

    [Fact]
    public async Task AStepThatAlwaysFailsIsDeadLetteredAndItsRunFails()
    {
        await User.CreateFlowAsync("doomed",
            [Http("in"),
                Function("broken", "broken", new { attempts = 3 }), Function("never", "upper")],
            [Edge("in", "broken"), Edge("broken", "never")]);
        await User.DeployFlowAsync("doomed");

        var run = await User.WaitRunAsync("doomed", await User.SendEventAsync("doomed", "in", "payload kept for the dead letter"));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        var step = run.Step("broken");
        Assert.Equal("deadlettered", step.GetProperty("status").GetString());
        Assert.Equal(3, step.GetProperty("attempts").GetInt32());
        Assert.Contains("500", step.GetProperty("error").GetString());
        Assert.Contains("broken on purpose", step.GetProperty("error").GetString());
        Assert.Equal("payload kept for the dead letter", step.GetProperty("input").GetProperty("body").GetString());
        Assert.Empty(run.Steps("never"));
        var failed = await User.Client.GetFromJsonAsyncOk($"/api/v1/flows/doomed/runs?status=failed");
        Assert.Contains(failed.EnumerateArray(), r => r.GetProperty("id").GetGuid() == run.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ARedeliveredEventFindsItsRunInsteadOfStartingAnother()
    {
        await User.CreateFlowAsync("once",
            [Http("in"), Function("a", "upper")],
            [Edge("in", "a")]);
        await User.DeployFlowAsync("once");

        var first = await User.SendEventAsync("once", "in", "x", idempotencyKey: "delivery-1");
        var again = await User.SendEventAsync("once", "in", "x", idempotencyKey: "delivery-1");

        Assert.Equal(first, again);
        await User.WaitRunAsync("once", first);
        Assert.Single(await User.GetRunsAsync("once"));
    }
}
