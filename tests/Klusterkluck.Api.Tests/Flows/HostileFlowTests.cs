using System.Diagnostics;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>Flows written to hurt: they cannot hold other users' runs, nor fill the store.</summary>
public sealed class HostileFlowTests : IAsyncLifetime
{
    private const int Width = 40;
    private const int Events = 60;

    private readonly TempFolder _data = new();
    private ApiProcess _api = null!;

    public async Task InitializeAsync() =>
        _api = await ApiProcess.StartAsync(_data.Path, new Dictionary<string, string>(FlowClient.QuickEngine) { ["Flows__MaxRunBytes"] = "65536" });

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>
    /// One user floods the engine with thousands of slow steps; another user's one-step run still
    /// finishes within seconds, while the flood is far from drained (first come, first served, it
    /// would wait for all of it).
    /// </summary>
    [Fact]
    public async Task AnotherUsersRunIsNotHeldBehindAFlood()
    {
        using var flooder = await UserSession.StartAsync(_api, "flooder");
        using var quiet = await UserSession.StartAsync(_api, "quiet");
        await flooder.CreateWithCodeAsync("slow", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = async () => { await new Promise(r => setTimeout(r, 200)); return 'done'; };\n",
        });
        await quiet.CreateWithCodeAsync("upper", "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions["upper"] });
        var fan = Enumerable.Range(0, Width).Select(i => $"s{i}").ToList();
        await flooder.CreateFlowAsync("flood", [Http("in"), .. fan.Select(id => Function(id, "slow"))], [.. fan.Select(id => Edge("in", id))]);
        await flooder.DeployFlowAsync("flood");
        await quiet.CreateFlowAsync("one", [Http("in"), Function("up", "upper")], [Edge("in", "up")]);
        await quiet.DeployFlowAsync("one");

        // 2,400 steps of 200 ms: at 32 at a time, over 15 s of work.
        await Task.WhenAll(Enumerable.Range(0, Events).Select(i => flooder.SendEventAsync("flood", "in", $"event {i}")));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        var run = await quiet.WaitRunAsync("one", await quiet.SendEventAsync("one", "in", "hello"), TimeSpan.FromSeconds(30));
        var waited = clock.Elapsed;

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("HELLO", run.Step("up").OutputText());
        var floodRuns = await flooder.GetRunsAsync("flood");
        var stillRunning = floodRuns.Count(r => r.GetProperty("status").GetString() == "running");
        Assert.True(stillRunning > Events / 2, $"only {stillRunning} of the flood's runs were still running: the test proves nothing");
        Assert.True(waited < TimeSpan.FromSeconds(3), $"the quiet user's run took {waited.TotalMilliseconds:F0} ms behind the flood");

        // Not left to drain for a quarter of a minute: deleting the flow deletes its runs and steps.
        using var deleted = await flooder.Client.DeleteAsync("/api/v1/flows/flood");
    }

    [Fact]
    public async Task ARunThatWouldStoreMoreThanItsBytesFailsWithTheReason()
    {
        using var user = await UserSession.StartAsync(_api, "hoarder");
        await user.CreateWithCodeAsync("echo", "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions["echo"] });
        await user.CreateFlowAsync("copies", [Http("in"), Function("a", "echo"), Function("b", "echo")], [Edge("in", "a"), Edge("a", "b")]);
        await user.DeployFlowAsync("copies");

        // 20 KB in, as a's input, as a's output: b's input would make 80 KB, over the 64 KiB set above.
        var run = await user.WaitRunAsync("copies", await user.SendEventAsync("copies", "in", new string('x', 20_000)));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("its steps would store more than 65536 bytes of payloads (Flows:MaxRunBytes)", run.GetProperty("error").GetString());
        Assert.Equal("succeeded", run.Step("a").GetProperty("status").GetString());
        Assert.Empty(run.Steps("b"));
        var failed = await user.Client.GetFromJsonAsyncOk("/api/v1/flows/copies/runs?status=failed");
        Assert.Contains("Flows:MaxRunBytes", failed.EnumerateArray().Single().GetProperty("error").GetString());
    }
}
