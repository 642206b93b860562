using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Klusterkluck.Testing;

namespace Klusterkluck.Api.Tests.Scaling;

/// <summary>
/// Cold starts from the warm pool (Runtime:Local:PoolSize), on an Api of their own so that no other
/// test takes its pool workers: real workers, real node, the real hand-over.
/// </summary>
public sealed class WarmPoolTests
{
    [Fact]
    public async Task AColdStartTakesAWaitingPoolWorkerThePoolRefillsAndNoPoolWorkerServesTwoFunctions()
    {
        using var data = new TempFolder();
        // The pool says at Debug which worker waits, and when.
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Klusterkluck.Api.Runtime.Local.Pool"] = "Debug",
        });
        using var alice = await UserSession.StartAsync(api, "alice");
        using var bob = await UserSession.StartAsync(api, "bob");
        foreach (var user in new[] { alice, bob })
        {
            await user.CreateFunctionAsync("nap", "nodejs");
            await user.WaitReadyAsync("nap");
            await ScaleToZeroTests.PatchAsync(user, "nap", new { minReplicas = 0, idleTimeoutSeconds = 1 });
            await ScaleToZeroTests.WaitForStateAsync(user, "nap", "idle");
        }

        // One warm worker for nodejs, its node booted, before any request.
        var first = await WaitForPoolWorkerAsync(api, except: []);
        Assert.Contains(Processes.Descendants(first).Values, c => c.Contains("shim.mjs", StringComparison.Ordinal));
        using (var response = await alice.CallAsync("nap", "?name=pool"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Hello, pool!\n", await response.Content.ReadAsStringAsync());
        }
        var awake = await alice.GetFunctionAsync("nap");
        Assert.Equal(first, Assert.Single(awake.GetProperty("instances").EnumerateArray()).GetProperty("processId").GetInt32());
        Assert.EndsWith("a warm one from the pool", awake.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());

        // The pool refills with another process; the one taken leaves with alice's function.
        var second = await WaitForPoolWorkerAsync(api, except: [first]);
        await ScaleToZeroTests.WaitForStateAsync(alice, "nap", "idle");
        Assert.True(await Processes.WaitGoneAsync(first, TimeSpan.FromSeconds(30)), "the pool worker that served alice still runs");

        Assert.Equal("Hello, bob!\n", await bob.CallTextAsync("nap", "?name=bob"));
        var bobs = await bob.GetFunctionAsync("nap");
        Assert.Equal(second, Assert.Single(bobs.GetProperty("instances").EnumerateArray()).GetProperty("processId").GetInt32());
        if (Environment.IsPrivilegedProcess)
        {
            // Each pool worker is a uid of its own, never a tenant's that another function used.
            Assert.NotEqual(UidOf(second), UidOf(await WaitForPoolWorkerAsync(api, except: [first, second])));
        }
    }

    [Fact]
    public async Task WithThePoolOffAColdStartStartsAWorkerFromNothing()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Runtime__Local__PoolSize"] = "0" });
        using var user = await UserSession.StartAsync(api, "nopool");
        await user.CreateFunctionAsync("nap", "nodejs");
        await user.WaitReadyAsync("nap");
        await ScaleToZeroTests.PatchAsync(user, "nap", new { minReplicas = 0, idleTimeoutSeconds = 1 });
        await ScaleToZeroTests.WaitForStateAsync(user, "nap", "idle");

        Assert.Equal("Hello, cold!\n", await user.CallTextAsync("nap", "?name=cold"));
        var awake = await user.GetFunctionAsync("nap");
        Assert.Matches(@"^a request arrived: started 1 replica in \d+ ms$", awake.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
        Assert.DoesNotContain(Processes.Descendants(api.ProcessId), p => HasPoolKey(p.Key));
    }

    /// <summary>The process of the next pool worker the Api says waits, other than <paramref name="except"/>.</summary>
    private static async Task<int> WaitForPoolWorkerAsync(ApiProcess api, int[] except)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var waiting = Regex.Matches(api.Output, @"A pool worker for nodejs waits: process (\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            if (waiting.Except(except).FirstOrDefault() is var found and > 0)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, "no warm pool worker started");
            await Task.Delay(50);
        }
    }

    private static bool HasPoolKey(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Contains("KK_POOL_KEY=", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string UidOf(int pid) => File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
}
