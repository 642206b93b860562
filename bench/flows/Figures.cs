using System.Globalization;
using Klusterkluck.Api.Flows;

/// <summary>CPU time spent in the measured window: the Api, what it started (connector, workers, node), and PostgreSQL when it is the store.</summary>
internal readonly record struct Cpu(TimeSpan Api, TimeSpan Children, TimeSpan? Postgres);

/// <summary>One store's figures, from the load's answers and the runs as the store holds them.</summary>
internal sealed record Figures(int Events, int Clients, double Rate, Load Load, int Over, int Failed, int WrongOutputs, double RunsPerSecond,
    TimeSpan Window, double[] RunMs, double[] EndToEndMs, Cpu Cpu)
{
    /// <summary>
    /// <paramref name="since"/>: when the measured load began. A run's latency is from its event's
    /// acceptance by the Api (the run's acceptedAt) to its last step's end (finishedAt); end to end
    /// is from the POST to the connector to that end.
    /// </summary>
    public static Figures Of(int events, int clients, double rate, Load load, DateTime since, List<RunRow> rows, string expectedSuffix, Cpu cpu)
    {
        var ours = rows.Where(r => load.Accepted.ContainsKey(r.EventKey)).ToList();
        var over = ours.Where(r => r.FinishedAt is not null).ToList();
        var last = over.Count > 0 ? over.Max(r => r.FinishedAt!.Value) : since;
        var window = last - since;
        return new Figures(events, clients, rate, load, over.Count,
            Failed: over.Count(r => r.Status == RunStatus.Failed),
            WrongOutputs: over.Count(r => r.Status == RunStatus.Succeeded && r.LastOutput != load.Accepted[r.EventKey].Body + expectedSuffix),
            RunsPerSecond: over.Count / Math.Max(window.TotalSeconds, 0.001),
            window,
            Sorted(over.Select(r => (r.FinishedAt!.Value - r.AcceptedAt).TotalMilliseconds)),
            Sorted(over.Select(r => (r.FinishedAt!.Value - load.Accepted[r.EventKey].PostedAt).TotalMilliseconds)),
            cpu);
    }

    public string Line(string store)
    {
        var accepted = Load.Accepted.Count;
        var runs = Math.Max(Over, 1);
        var postgres = Cpu.Postgres is { } pg ? $", postgres {pg.TotalMilliseconds / runs:0.0}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{store,-8} ({Events} events, {Clients} clients{(Rate > 0 ? $", {Rate:0}/s offered" : "")}): connector accepted {accepted / Load.Elapsed.TotalSeconds:0} events/s; "
            + $"{Over} of {accepted} runs over in {Window.TotalSeconds:0.0} s = {RunsPerSecond:0.0} runs/s ({Failed} failed); "
            + $"accepted->done p50 {Percentile(RunMs, 0.50):0} ms, p99 {Percentile(RunMs, 0.99):0} ms; "
            + $"posted->done p50 {Percentile(EndToEndMs, 0.50):0} ms, p99 {Percentile(EndToEndMs, 0.99):0} ms; "
            + $"CPU ms per run: api {Cpu.Api.TotalMilliseconds / runs:0.0}, connector+workers {Cpu.Children.TotalMilliseconds / runs:0.0}{postgres}");
    }

    /// <summary>What went wrong, if anything; a healthy run has nothing to say.</summary>
    public IEnumerable<string> Warnings()
    {
        if (Load.Lost > 0 || Load.Refusals > 0)
        {
            yield return $"the http connector refused {Load.Refusals} posts; {Load.Lost} events never got in";
        }
        if (Over < Load.Accepted.Count)
        {
            yield return $"only {Over} of {Load.Accepted.Count} runs were over when the wait ended: figures are for those";
        }
        if (WrongOutputs > 0)
        {
            yield return $"{WrongOutputs} succeeded runs ended with an output other than their event's body + the chain's letters";
        }
    }

    private static double[] Sorted(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>Nearest rank.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
