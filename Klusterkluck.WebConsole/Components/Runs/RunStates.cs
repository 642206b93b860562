using Klusterkluck.Client;

namespace Klusterkluck.WebConsole.Components.Runs;

/// <summary>What a run did at one node: the state of its latest step there, and how many steps it had (a node may run once per input).</summary>
/// <param name="Status">pending, running, succeeded, deadlettered or skipped.</param>
public sealed record NodeRunState(string Status, int Attempts, int Steps, string? Error);

public static class RunStates
{
    /// <summary>Each node's latest step (the API lists a run's steps oldest first) and its count of steps.</summary>
    public static Dictionary<string, NodeRunState> Of(IEnumerable<StepSummaryInfo> steps) =>
        steps.GroupBy(s => s.Node, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var latest = g.MaxBy(s => s.CreatedAt)!;
            return new NodeRunState(latest.Status, latest.Attempts, g.Count(), latest.Error);
        }, StringComparer.Ordinal);

    /// <summary>The badge class of a run's or step's status, from the console's own badge colours.</summary>
    public static string BadgeClass(string status) => status switch
    {
        "succeeded" => "state-ready",
        "failed" or "deadlettered" => "state-failed",
        "running" or "pending" => "state-deploying",
        _ => "state-other",
    };

    /// <summary>
    /// A dead letter's reason without the engine's own "dead-lettered after N attempts; the last:"
    /// prefix, which the page already says in words of its own.
    /// </summary>
    public static string DeadLetterReason(string? error)
    {
        if (string.IsNullOrEmpty(error))
        {
            return "no reason was recorded.";
        }
        const string last = "; the last: ";
        if (error.StartsWith("dead-lettered after ", StringComparison.Ordinal) && error.IndexOf(last, StringComparison.Ordinal) is var at and > 0)
        {
            return error[(at + last.Length)..];
        }
        return error.StartsWith("dead-lettered: ", StringComparison.Ordinal) ? error["dead-lettered: ".Length..] : error;
    }
}
