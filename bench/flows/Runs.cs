using System.Diagnostics;
using Klusterkluck.Api.Flows;
using Microsoft.EntityFrameworkCore;

/// <summary>A finished or unfinished run, as the store holds it, with the last step's output.</summary>
internal sealed record RunRow(string EventKey, RunStatus Status, DateTime AcceptedAt, DateTime? FinishedAt, string? LastOutput);

/// <summary>The runs of the bench's flow, read from the store the Api wrote (the REST API pages only the newest 1000).</summary>
internal sealed class Runs(BenchStore store, string flow)
{
    /// <summary>
    /// Waits until <paramref name="expected"/> runs accepted since <paramref name="since"/> are over,
    /// giving up at <paramref name="timeout"/> or after a minute in which none ended; returns how many are.
    /// </summary>
    public async Task<int> WaitOverAsync(DateTime since, int expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var stalled = Stopwatch.StartNew();
        var over = -1;
        while (true)
        {
            await using (var db = store.Open())
            {
                var now = await db.FlowRuns.AsNoTracking().CountAsync(r => r.FlowName == flow && r.AcceptedAt >= since && r.Status != RunStatus.Running);
                if (now != over)
                {
                    over = now;
                    stalled.Restart();
                }
            }
            if (over >= expected || Stopwatch.GetTimestamp() > deadline || stalled.Elapsed > TimeSpan.FromMinutes(1))
            {
                return over;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Every run accepted since <paramref name="since"/>, with the output of its step at <paramref name="lastNode"/>.</summary>
    public async Task<List<RunRow>> ReadAsync(DateTime since, string lastNode)
    {
        await using var db = store.Open();
        var runs = db.FlowRuns.AsNoTracking().Where(r => r.FlowName == flow && r.AcceptedAt >= since);
        var outputs = await db.FlowSteps.AsNoTracking()
            .Where(s => s.NodeId == lastNode && s.Status == StepStatus.Succeeded)
            .Join(runs, s => s.RunId, r => r.Id, (s, r) => new { r.Id, s.Output })
            .ToDictionaryAsync(s => s.Id, s => s.Output);
        return [.. (await runs.ToListAsync()).Select(r => new RunRow(r.EventKey, r.Status, r.AcceptedAt, r.FinishedAt,
            outputs.TryGetValue(r.Id, out var output) && output is not null ? System.Text.Encoding.UTF8.GetString(output) : null))];
    }

    /// <summary>Where the slowest run's time went: each step's wait (created → started), its call (started → finished), attempts and error.</summary>
    public async Task<List<string>> SlowestAsync(DateTime since)
    {
        await using var db = store.Open();
        var slowest = (await db.FlowRuns.AsNoTracking().Where(r => r.FlowName == flow && r.AcceptedAt >= since && r.FinishedAt != null).ToListAsync())
            .MaxBy(r => r.FinishedAt!.Value - r.AcceptedAt);
        if (slowest is null)
        {
            return [];
        }
        var steps = await db.FlowSteps.AsNoTracking().Where(s => s.RunId == slowest.Id).OrderBy(s => s.CreatedAt).ToListAsync();
        return [$"slowest run: {(slowest.FinishedAt!.Value - slowest.AcceptedAt).TotalMilliseconds:0} ms", .. steps.Select(s =>
            $"  {s.NodeId}: waited {((s.StartedAt ?? s.CreatedAt) - s.CreatedAt).TotalMilliseconds:0} ms, ran {((s.FinishedAt ?? s.CreatedAt) - (s.StartedAt ?? s.CreatedAt)).TotalMilliseconds:0} ms, attempts {s.Attempts}{(s.Error is null ? "" : $", error: {s.Error}")}")];
    }
}
