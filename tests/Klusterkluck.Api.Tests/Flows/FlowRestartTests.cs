using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>The engine owes every accepted event a complete run, whatever happens to the Api meanwhile.</summary>
public sealed class FlowRestartTests
{
    private const int Events = 12;

    [Fact]
    public async Task AnApiKilledMidRunFinishesEveryAcceptedEventAfterItsRestart()
    {
        using var data = new TempFolder();
        var api = await ApiProcess.StartAsync(data.Path, FlowClient.QuickEngine);
        var port = api.Port;
        string username, password;
        using (var user = await UserSession.StartAsync(api, "crash"))
        {
            (username, password) = (user.Username, user.Password);
            await user.CreateWithCodeAsync("slow", "nodejs", new Dictionary<string, string>
            {
                ["index.js"] = "module.exports = async (r) => { await new Promise((ok) => setTimeout(ok, 3000)); return r.body + '+slow'; };\n",
            });
            await user.CreateWithCodeAsync("tag", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.body + '+tag';\n" });
            await user.CreateFlowAsync("survivor", [Http("in"), Function("s", "slow"), Function("t", "tag")], [Edge("in", "s"), Edge("s", "t")]);
            await user.DeployFlowAsync("survivor");
            for (var i = 0; i < Events; i++)
            {
                await user.SendEventAsync("survivor", "in", $"event-{i}", idempotencyKey: $"key-{i}");
            }
            // The slow steps are running (claimed, their function takes 3 s) when the Api dies.
            await Task.Delay(1000);
            var runs = await user.GetRunsAsync("survivor");
            Assert.Contains(runs, r => r.GetProperty("status").GetString() == "running");
        }
        api.Kill();
        await api.WaitForExitAsync();
        await api.DisposeAsync();

        await using var restarted = await ApiProcess.StartAsync(data.Path, FlowClient.QuickEngine, port);
        using var again = await UserSession.LoginAsync(restarted, username, password);

        var finished = await again.WaitRunsOverAsync("survivor", Events, TimeSpan.FromSeconds(120));

        Assert.Equal(Events, finished.Count);
        var outputs = new List<string>();
        var slowAttempts = new List<int>();
        foreach (var summary in finished)
        {
            var run = await again.GetRunAsync("survivor", summary.GetProperty("id").GetGuid());
            Assert.Equal("succeeded", run.GetProperty("status").GetString());
            outputs.Add(run.Step("t").OutputText()!);
            slowAttempts.Add(run.Step("s").GetProperty("attempts").GetInt32());
        }
        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"event-{i}+slow+tag").Order(), outputs.Order());
        // The steps the dead Api had claimed ran again once their claim ran out: at least once, not lost.
        Assert.Contains(slowAttempts, a => a >= 2);
    }
}
