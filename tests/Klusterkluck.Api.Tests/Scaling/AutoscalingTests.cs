using System.Net;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Scaling;

/// <summary>Autoscaling on concurrency on the local runtime: a step of load brings replicas up to the maximum and back, and no request fails.</summary>
public sealed class AutoscalingTests
{
    [Fact]
    public async Task AStepOfLoadTakesReplicasToTheMaximumAndBackWithNoRequestFailing()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            // Short windows, so a test sees what takes a minute in production.
            ["Scaling__StableWindow"] = "00:00:04",
            ["Scaling__ScaleDownDelay"] = "00:00:02",
        });
        using var user = await UserSession.StartAsync(api, "busy");
        await user.CreateWithCodeAsync("slow", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = async () => { await new Promise(r => setTimeout(r, 150)); return 'done\\n'; };",
        });
        var (patched, _) = await ScaleToZeroTests.PatchAsync(user, "slow", new { minReplicas = 1, maxReplicas = 3, targetConcurrency = 1 }, wait: true);
        Assert.Equal(HttpStatusCode.OK, patched);

        // Six callers, one request at a time each, for eight seconds: six in flight against a target of one.
        var failures = new List<string>();
        var answered = 0;
        var most = 0;
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        var callers = Enumerable.Range(0, 6).Select(async _ =>
        {
            while (!load.IsCancellationRequested)
            {
                using var response = await user.CallAsync("slow");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || body != "done\n")
                {
                    lock (failures)
                    {
                        failures.Add($"{(int)response.StatusCode}: {body}");
                    }
                }
                Interlocked.Increment(ref answered);
            }
        }).ToList();
        while (!load.IsCancellationRequested)
        {
            most = Math.Max(most, Ready(await user.GetFunctionAsync("slow")));
            await Task.Delay(200);
        }
        await Task.WhenAll(callers);
        Assert.Empty(failures);
        Assert.True(answered > 50, $"only {answered} answers");
        Assert.Equal(3, most);

        // Idle: back to the minimum, after the scale-down delay.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement function;
        while (Ready(function = await user.GetFunctionAsync("slow")) != 1 || function.GetProperty("instances").GetArrayLength() != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"never back to one replica: {function}");
            await Task.Delay(200);
        }
        Assert.Contains("fewer replicas are enough", function.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
        Assert.Equal("done\n", await user.CallTextAsync("slow"));
    }

    private static int Ready(JsonElement function) =>
        function.GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("state").GetString() == "ready");
}
