using Klusterkluck.Testing;

/// <summary>
/// The measured flow: an http connector node <c>in</c>, then function nodes a → b → c, each a
/// nodejs function that appends its letter to the text it gets. One fresh Api per store.
/// </summary>
internal static class ChainBench
{
    private const string Flow = "chain";
    private static readonly string[] s_letters = ["a", "b", "c"];

    public static async Task<Figures> RunAsync(string apiAssembly, BenchStore store, int events, int clients, double rate)
    {
        await using var api = await BenchApi.StartAsync(apiAssembly, store);
        foreach (var letter in s_letters)
        {
            await api.CreateFunctionAsync($"append-{letter}", $"module.exports = (r) => r.body + '{letter}';\n");
        }
        object[] nodes =
        [
            // Where it listens is the runtime's to choose (a loopback port), read back below.
            new { id = "in", kind = "connector", @ref = "http", config = new Dictionary<string, string>() },
            .. s_letters.Select(letter => new { id = letter, kind = "function", @ref = $"append-{letter}" }),
        ];
        object[] edges = [.. s_letters.Prepend("in").Zip(s_letters, (from, to) => new { from, to })];
        await api.CreateAndDeployFlowAsync(Flow, nodes, edges);
        var connector = await api.ConnectorUrlAsync(Flow, "in");

        var warmLoad = new EventLoad($"{connector}/events", clients);
        var load = warmLoad with { Rate = rate };
        var runs = new Runs(store, Flow);
        // JIT tiers (of the Api, the connector, the workers), connection pools, the store's caches: warm,
        // and every warm-up run over before anything counts. With 100 events of warm-up, CPU per run
        // came out about twice as high in the Api and five times in the connector and workers.
        const int warmUp = 500;
        var warmSince = DateTime.UtcNow;
        var warm = await warmLoad.PostAsync(warmUp, "warm-");
        if (await runs.WaitOverAsync(warmSince, warm.Accepted.Count, WaitLimit(warmUp)) < warm.Accepted.Count)
        {
            throw new TimeoutException($"the warm-up's {warm.Accepted.Count} runs did not end\n{api.Output}");
        }

        var postgres = await store.ServerProcessAsync();
        var connectors = await api.ConnectorProcessesAsync(Flow);
        var before = Sample(api.ProcessId, postgres);
        var since = DateTime.UtcNow;
        var measured = await load.PostAsync(events, "event-");
        await runs.WaitOverAsync(since, measured.Accepted.Count, WaitLimit(events));
        var after = Sample(api.ProcessId, postgres);
        var rows = await runs.ReadAsync(since, s_letters[^1]);

        foreach (var line in await runs.SlowestAsync(since))
        {
            Console.Error.WriteLine($"  | {line}");
        }
        foreach (var problem in api.Problems())
        {
            Console.Error.WriteLine($"  | {problem}");
        }
        if (connectors.Count != 1)
        {
            Console.Error.WriteLine($"  | the flow has {connectors.Count} connector processes, not one");
        }
        var cpu = new Cpu(after.Api - before.Api, after.Children - before.Children, after.Postgres - before.Postgres);
        return Figures.Of(events, clients, rate, measured, since, rows, string.Concat(s_letters), cpu);
    }

    /// <summary>Bounded: two minutes plus 200 ms an event (a run of the chain takes a few ms of CPU); <see cref="Runs.WaitOverAsync"/> also gives up after a minute without progress.</summary>
    private static TimeSpan WaitLimit(int events) => TimeSpan.FromMinutes(2) + (events * TimeSpan.FromMilliseconds(200));

    private static Cpu Sample(int api, int? postgres)
    {
        var (own, children) = CpuTime.Of(api);
        TimeSpan? server = postgres is { } pid && CpuTime.Of(pid) is var (root, backends) ? root + backends : null;
        return new Cpu(own, children, server);
    }
}
