using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Klusterkluck.Api.Flows;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Two users on one Api. "steady" sends an event every 100 ms into <c>in → up</c> (one quick
/// step); "flooder" has a flow <c>in → s0..s39</c> of 50 ms steps. Steady's runs are measured alone,
/// then while thousands of the flooder's steps wait: the p99 of steady's runs under the flood is
/// what fair claims promise to keep low (first come, first served, it was the flood's length).
/// </summary>
internal static class FloodBench
{
    private const int Width = 40;
    private const int FloodEvents = 200;
    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(string apiAssembly, BenchStore store, string storeName)
    {
        await using var steady = await BenchApi.StartAsync(apiAssembly, store, "steady");
        await using var flooder = await steady.AddUserAsync("flooder");
        await steady.CreateFunctionAsync("upper", "module.exports = (r) => String(r.body).toUpperCase();\n");
        await flooder.CreateFunctionAsync("slow", "module.exports = async () => { await new Promise(r => setTimeout(r, 50)); return 'done'; };\n");
        await steady.CreateAndDeployFlowAsync("steady",
            [new { id = "in", kind = "connector", @ref = "http" }, new { id = "up", kind = "function", @ref = "upper" }], [new { from = "in", to = "up" }]);
        var fan = Enumerable.Range(0, Width).Select(i => $"s{i}").ToList();
        await flooder.CreateAndDeployFlowAsync("flood",
            [new { id = "in", kind = "connector", @ref = "http" }, .. fan.Select(id => new { id, kind = "function", @ref = "slow" })],
            [.. fan.Select(id => new { from = "in", to = id })]);

        await SteadyAsync(steady, store, 20);
        var alone = await SteadyAsync(steady, store, 50);

        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= FloodEvents)
            {
                await PostEventAsync(flooder, "flood", "flood");
            }
        }));
        var waiting = await PendingAsync(store, "flood");
        var flooded = await SteadyAsync(steady, store, 100);
        var stillWaiting = await PendingAsync(store, "flood");
        var drained = await DrainAsync(store, "flood", TimeSpan.FromMinutes(5));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{storeName,-8} two users: steady's runs (1 step, every {s_pace.TotalMilliseconds:0} ms) alone p50 {P(alone, 0.5):0} ms, p99 {P(alone, 0.99):0} ms; "
            + $"while the flooder's {waiting} steps of 50 ms wait ({FloodEvents} events x {Width}) p50 {P(flooded, 0.5):0} ms, p99 {P(flooded, 0.99):0} ms, max {flooded[^1]:0} ms; "
            + $"{stillWaiting} of the flood's steps still waiting after them; the flood drained {(drained is { } d ? $"{d.TotalSeconds:0.0} s" : "not within 5 min")} after it was posted"
            + $" (first come, first served, a steady run would have waited about that long)"));
    }

    /// <summary>Events at a steady pace through the owner's event endpoint; the sorted latencies (accepted → done) of their runs.</summary>
    private static async Task<double[]> SteadyAsync(BenchApi api, BenchStore store, int events)
    {
        var runs = new List<Task<Guid>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            runs.Add(PostEventAsync(api, "steady", $"event {i}"));
            var due = s_pace * (i + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }
        var ids = await Task.WhenAll(runs);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = store.Open();
            var over = await db.FlowRuns.AsNoTracking().Where(r => ids.Contains(r.Id) && r.FinishedAt != null)
                .Select(r => new { r.AcceptedAt, r.FinishedAt }).ToListAsync();
            if (over.Count == ids.Length || deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                var latencies = over.Select(r => (r.FinishedAt!.Value - r.AcceptedAt).TotalMilliseconds).ToArray();
                Array.Sort(latencies);
                return latencies;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<Guid> PostEventAsync(BenchApi api, string flow, string body)
    {
        using var response = await api.Client.PostAsync($"/api/v1/flows/{flow}/events/in", new StringContent(body, Encoding.UTF8, "text/plain"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Accepted>())!.RunId;
    }

    private static async Task<int> PendingAsync(BenchStore store, string flow)
    {
        await using var db = store.Open();
        return await db.FlowSteps.CountAsync(s => s.FlowName == flow && s.Status == StepStatus.Pending);
    }

    /// <summary>How long after the flood was posted its last run ended, or null if it did not within <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan?> DrainAsync(BenchStore store, string flow, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            await using var db = store.Open();
            if (!await db.FlowRuns.AnyAsync(r => r.FlowName == flow && r.Status == RunStatus.Running))
            {
                var runs = db.FlowRuns.AsNoTracking().Where(r => r.FlowName == flow);
                return await runs.MaxAsync(r => r.FinishedAt) - await runs.MinAsync(r => r.AcceptedAt);
            }
            await Task.Delay(250);
        }
        return null;
    }

    private static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record Accepted(Guid RunId);
}
