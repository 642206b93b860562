namespace Klusterkluck.WebConsole.Components.Runs;

/// <summary>What a run did at one node: the state of its latest step there, and how many steps it had (a node may run once per input).</summary>
/// <param name="Status">pending, running, succeeded, deadlettered or skipped.</param>
public sealed record NodeRunState(string Status, int Attempts, int Steps, string? Error);
