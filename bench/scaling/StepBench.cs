using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// A step of load with autoscaling on concurrency at the default windows: a nodejs function that
/// takes 50 ms per request, minReplicas 1, maxReplicas 8, targetConcurrency 4; one connection for
/// 10 s, then 32 for 60 s. Reports when the added replicas served, latency before, during and after
/// the change, and every failed request (there should be none).
/// </summary>
internal static class StepBench
{
    public static async Task RunAsync(BenchApi api, string user)
    {
        await api.CreateFunctionAsync("stepper", "module.exports = async () => { await new Promise(r => setTimeout(r, 50)); return 'ok\\n'; };");
        using (var patched = await api.Client.PatchAsJsonAsync("/api/v1/functions/stepper?wait=true", new { minReplicas = 1, maxReplicas = 8, targetConcurrency = 4 }))
        {
            patched.EnsureSuccessStatusCode();
        }
        var samples = new ConcurrentBag<(double At, double Ms, bool Ok)>();
        var clock = Stopwatch.StartNew();
        await LoadAsync(api.Client, $"/fn/{user}/stepper/", 1, TimeSpan.FromSeconds(10), clock, samples);
        var step = clock.Elapsed.TotalSeconds;
        var replicas = new List<(double At, int Ready)>();
        using var stop = new CancellationTokenSource();
        var watching = WatchAsync(api.Client, clock, replicas, stop.Token);
        await LoadAsync(api.Client, $"/fn/{user}/stepper/", 32, TimeSpan.FromSeconds(60), clock, samples);
        await stop.CancelAsync();
        await watching;

        var firstAdded = replicas.FirstOrDefault(r => r.Ready > 1);
        var full = replicas.FirstOrDefault(r => r.Ready == replicas.Max(x => x.Ready));
        var before = samples.Where(s => s.At < step).Select(s => s.Ms).ToList();
        var during = samples.Where(s => s.At >= step && s.At < full.At).Select(s => s.Ms).ToList();
        var after = samples.Where(s => s.At >= full.At).Select(s => s.Ms).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step 1 -> 32 connections (target 4 in flight per replica, 1 to 8 replicas): the first added replica served {firstAdded.At - step:0.0} s after the step, "
            + $"{replicas.Max(r => r.Ready)} replicas served {full.At - step:0.0} s after it; p50/p99 before {Percentiles.Of(before, 0.5):0}/{Percentiles.Of(before, 0.99):0} ms, "
            + $"during the change {Percentiles.Of(during, 0.5):0}/{Percentiles.Of(during, 0.99):0} ms, after {Percentiles.Of(after, 0.5):0}/{Percentiles.Of(after, 0.99):0} ms; "
            + $"{samples.Count} requests, {samples.Count(s => !s.Ok)} failed"));
    }

    private static async Task LoadAsync(HttpClient client, string path, int connections, TimeSpan length, Stopwatch clock,
        ConcurrentBag<(double, double, bool)> samples)
    {
        using var done = new CancellationTokenSource(length);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (!done.IsCancellationRequested)
            {
                var at = clock.Elapsed.TotalSeconds;
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                samples.Add((at, Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode == HttpStatusCode.OK && body == "ok\n"));
            }
        }));
    }

    private static async Task WatchAsync(HttpClient client, Stopwatch clock, List<(double, int)> replicas, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var function = await client.GetFromJsonAsync<JsonElement>("/api/v1/functions/stepper", stop);
                replicas.Add((clock.Elapsed.TotalSeconds,
                    function.GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("state").GetString() == "ready")));
                await Task.Delay(250, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
