namespace Klusterkluck.Api.Builds;

public static class BuildStates
{
    public const string Building = "building";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>How a commit's build went, kept beside its log: building, succeeded, or failed with why.</summary>
public sealed record BuildRecord(string Commit, string State, string? Reason, DateTime StartedAt, DateTime? FinishedAt)
{
    public TimeSpan? Duration => FinishedAt - StartedAt;
}
