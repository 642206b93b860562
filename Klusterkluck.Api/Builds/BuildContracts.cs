namespace Klusterkluck.Api.Builds;

/// <param name="State">building, succeeded or failed.</param>
/// <param name="Reason">Why it failed, in one line; null otherwise.</param>
/// <param name="Log">What the build printed (its first 1 MiB), so far while it runs.</param>
public sealed record BuildResponse(string Commit, string State, string? Reason, DateTime StartedAt, DateTime? FinishedAt, double? Seconds, string Log);
