using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

// Scaling, in one run: cold starts from zero (a function of each kind with no minimum and a 1 s
// idle timeout is left to go to zero, then called once through the gateway, with its owner's
// token; the time is from the request to the reply's first byte, <starts> times per kind, one at
// a time), on an Api without the warm pool and on one with it (Runtime:Local:PoolSize 0 and 1);
// the memory of <functions> idle functions at one replica and at zero (MemoryBench); a step of
// load with autoscaling (StepBench). Loopback only, bounded.
var apiAssembly = args[0];
var starts = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var functions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
var parts = (args.Length > 3 ? args[3] : "cold,memory,step").Split(',');

if (parts.Contains("cold"))
{
    Console.WriteLine($"Cold starts from zero, {starts} per kind, one at a time (the Api's Release build, local runtime, {Environment.ProcessorCount} cores)");
    foreach (var (pool, size) in new[] { ("no pool", "0"), ("pool", "1") })
    {
        await using var coldStore = BenchStore.Create("sqlite");
        await using var coldApi = await BenchApi.StartAsync(apiAssembly, coldStore, "scaling",
            new Dictionary<string, string> { ["Runtime__Local__PoolSize"] = size });
        await ColdStartsAsync(coldApi, pool, starts);
    }
}
if (parts.Contains("memory") || parts.Contains("step"))
{
    await using var store = BenchStore.Create("sqlite");
    await using var api = await BenchApi.StartAsync(apiAssembly, store, "scaling");
    if (parts.Contains("memory"))
    {
        // A user of their own: one user may have at most Limits:MaxFunctionsPerUser (100) functions.
        await using var idle = await api.AddUserAsync("idle");
        await MemoryBench.RunAsync(idle, api.ProcessId, functions);
    }
    if (parts.Contains("step"))
    {
        await StepBench.RunAsync(api, "scaling");
    }
    foreach (var problem in api.Problems())
    {
        Console.WriteLine($"  Api: {problem}");
    }
}

static async Task ColdStartsAsync(BenchApi api, string pool, int starts)
{
    foreach (var kind in new[] { "nodejs", "exec" })
    {
        var name = $"cold-{kind}";
        Expect(await api.Client.PostAsJsonAsync("/api/v1/functions?wait=true", new { name, kind, minReplicas = 0, idleTimeoutSeconds = 1 }), HttpStatusCode.Created);
        var warm = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            warm.Add(await FirstByteAsync(api.Client, $"/fn/scaling/{name}/"));
        }
        var cold = new List<double>();
        var pooled = 0;
        for (var i = 0; i < starts; i++)
        {
            await WaitIdleAsync(api.Client, name);
            // The same pause in both runs: long enough for the pool to have refilled after the last start.
            await Task.Delay(500);
            cold.Add(await FirstByteAsync(api.Client, $"/fn/scaling/{name}/"));
            var reason = (await api.Client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/{name}")).GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString();
            pooled += reason?.EndsWith("from the pool", StringComparison.Ordinal) == true ? 1 : 0;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind,-7} cold start ({pool}): p50 {Percentiles.Of(cold, 0.50):0} ms, p95 {Percentiles.Of(cold, 0.95):0} ms, p99 {Percentiles.Of(cold, 0.99):0} ms "
            + $"(min {cold.Min():0}, max {cold.Max():0}; {pooled} of {starts} from the pool); warm call p50 {Percentiles.Of(warm, 0.50):0.0} ms"));
    }
    foreach (var problem in api.Problems())
    {
        Console.WriteLine($"  Api: {problem}");
    }
}

static async Task<double> FirstByteAsync(HttpClient client, string path)
{
    var clock = Stopwatch.StartNew();
    using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
    var elapsed = clock.Elapsed.TotalMilliseconds;
    var body = await response.Content.ReadAsStringAsync();
    return response.StatusCode == HttpStatusCode.OK ? elapsed : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {body}");
}

static async Task WaitIdleAsync(HttpClient client, string name)
{
    var deadline = Stopwatch.StartNew();
    while ((await client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/{name}")).GetProperty("state").GetString() != "idle")
    {
        if (deadline.Elapsed > TimeSpan.FromSeconds(60))
        {
            throw new TimeoutException($"{name} did not go to zero");
        }
        await Task.Delay(50);
    }
}

static void Expect(HttpResponseMessage response, HttpStatusCode status)
{
    using (response)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
        }
    }
}
