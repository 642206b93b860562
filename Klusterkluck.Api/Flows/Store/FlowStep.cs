namespace Klusterkluck.Api.Flows;

public enum StepStatus
{
    /// <summary>Waiting to run, at <see cref="FlowStep.DueAt"/> (a retry waits out its backoff).</summary>
    Pending,

    /// <summary>Claimed by an engine until <see cref="FlowStep.DueAt"/>; after that, whoever claims it next runs it again.</summary>
    Running,
    Succeeded,

    /// <summary>Failed on its last attempt (or for good): kept with its error, and its run fails.</summary>
    DeadLettered,

    /// <summary>A join none of whose predecessors produced anything in this run.</summary>
    Skipped,
}

/// <summary>
/// One node's work in one run. Created (pending) in the same transaction that completes the step
/// before it, so a step is on disk before it runs and its result is on disk, with its successors,
/// before anything else happens: a crash at any point repeats at most the step that was running.
/// </summary>
public sealed class FlowStep
{
    public const int MaxErrorLength = 2000;

    public const int MaxContentTypeLength = 200;

    public Guid Id { get; init; } = Guid.NewGuid();

    public required Guid RunId { get; init; }

    /// <summary>Denormalized from the run, so that the engine knows the graph without a join.</summary>
    public required Guid DeploymentId { get; init; }

    /// <summary>Denormalized from the run: the engine shares its claims between owners, then between an owner's flows.</summary>
    public required string Owner { get; init; }

    /// <summary>Denormalized from the run, with <see cref="Owner"/>: the queue the step waits in.</summary>
    public required string FlowName { get; init; }

    public required string NodeId { get; init; }

    /// <summary>Unique in the run: the node, and the step that fed it (a node with several predecessors runs once per input; a join once).</summary>
    public required string Key { get; init; }

    /// <summary>The run's traceparent, kept on each step so that running it needs no join.</summary>
    public string? TraceParent { get; init; }

    public StepStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When a pending step may run, or when a running step's claim runs out.</summary>
    public DateTime DueAt { get; set; } = DateTime.UtcNow;

    /// <summary>The claim of the engine running it; its result is recorded only under the same claim.</summary>
    public string? LeaseToken { get; set; }

    public byte[]? Input { get; set; }

    public string? InputType { get; set; }

    public byte[]? Output { get; set; }

    public string? OutputType { get; set; }

    /// <summary>An if step's outcome: which of its edges were taken.</summary>
    public bool? Branch { get; set; }

    public string? Error { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>A content type as stored: an odd one longer than the column is dropped (the payload is kept, as octets).</summary>
    public static string? ContentType(string? type) => type is { Length: > MaxContentTypeLength } ? null : type;

    public static string? Clip(string? error) => error is { Length: > MaxErrorLength } ? error[..(MaxErrorLength - 1)] + "…" : error;
}
