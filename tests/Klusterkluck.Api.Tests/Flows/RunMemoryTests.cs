using System.Text.Json;
using Xunit.Abstractions;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>
/// Reading a run costs the Api what the answer holds, not what the run holds: a run with 80 MB of
/// payloads, read eight times at once, a page at a time and a step at a time, leaves the Api's
/// memory where it was. Its own Api, so that nothing else moves the figure.
/// </summary>
public sealed class RunMemoryTests(ITestOutputHelper output)
{
    private const int Fanout = 40;

    private const int Readers = 8;

    [Fact]
    public async Task ReadingARunWithLargeStepsKeepsTheApisMemoryFlat()
    {
        using var data = new TempFolder();
        // 82 MB of payloads in one run: above the default Flows:MaxRunBytes, which is not what this test is about.
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>(QuickEngine) { ["Flows__MaxRunBytes"] = "268435456" });
        using var user = await UserSession.StartAsync(api, "memory");
        await user.CreateWithCodeAsync("echo", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.body;\n" });
        // One event of just under Flows:MaxPayloadBytes, fanned out: each echo step holds it twice (input and output).
        var nodes = Enumerable.Range(0, Fanout).Select(i => Function($"e{i}", "echo")).Prepend(Http("in")).ToArray();
        await user.CreateFlowAsync("heavy", nodes, [.. Enumerable.Range(0, Fanout).Select(i => Edge("in", $"e{i}"))]);
        await user.DeployFlowAsync("heavy");
        var id = await user.SendEventAsync("heavy", "in", new string('x', 1_000_000));
        var path = $"/api/v1/flows/heavy/runs/{id}";
        var run = await WaitOverAsync(user, path);
        var steps = run.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(Fanout + 1, steps.Count);
        Assert.True(steps.Sum(s => Bytes(s, "input") + Bytes(s, "output")) >= 80_000_000, run.ToString());

        // Every read once before measuring: what the first read loads for good (code, caches) is not growth.
        var reads = new[] { path, $"{path}?limit=10", $"{path}?limit=10&after={steps[9].GetProperty("id").GetGuid()}" }
            .Concat(steps.Select(s => $"{path}/steps/{s.GetProperty("id").GetGuid()}")).ToList();
        foreach (var read in reads)
        {
            await user.Client.GetFromJsonAsyncOk(read);
        }
        var before = Memory.Of(api.ProcessId);
        Memory.ResetPeak(api.ProcessId);

        await Task.WhenAll(Enumerable.Range(0, Readers).Select(async _ =>
        {
            foreach (var read in reads)
            {
                await user.Client.GetFromJsonAsyncOk(read);
            }
        }));

        var after = Memory.Of(api.ProcessId);
        var growth = Math.Max(after.Peak, after.Resident) - before.Resident;
        output.WriteLine($"Api resident {before.Resident / 1e6:0.0} MB before, {after.Resident / 1e6:0.0} MB after, peak {after.Peak / 1e6:0.0} MB: +{growth / 1e6:0.0} MB");
        Assert.True(growth < 40_000_000, $"{Readers} readers grew the Api by {growth / 1e6:0.0} MB (resident {before.Resident / 1e6:0.0} → {after.Resident / 1e6:0.0} MB, peak {after.Peak / 1e6:0.0} MB)");
    }

    private static async Task<JsonElement> WaitOverAsync(UserSession user, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var run = await user.Client.GetFromJsonAsyncOk($"{path}?limit=1000");
            if (run.GetProperty("status").GetString() != "running")
            {
                Assert.Equal("succeeded", run.GetProperty("status").GetString());
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"run still running: {run}\n{user.Api.Output}");
            await Task.Delay(250);
        }
    }

    private static long Bytes(JsonElement step, string payload) =>
        step.GetProperty(payload).ValueKind == JsonValueKind.Null ? 0 : step.GetProperty(payload).GetProperty("bytes").GetInt64();
}
