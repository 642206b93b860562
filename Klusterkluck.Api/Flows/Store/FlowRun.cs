namespace Klusterkluck.Api.Flows;

public enum RunStatus
{
    Running,
    Succeeded,

    /// <summary>Over, with at least one step dead-lettered.</summary>
    Failed,
}

/// <summary>One event's way through a flow: created, with its first steps, when the event is accepted.</summary>
public sealed class FlowRun
{
    /// <summary>The longest Idempotency-Key a run keeps (<see cref="EventKey"/>); a longer one is refused, never replaced.</summary>
    public const int MaxEventKeyLength = 200;

    public Guid Id { get; init; } = Guid.NewGuid();

    public required string Owner { get; init; }

    public required string FlowName { get; init; }

    public required Guid DeploymentId { get; init; }

    /// <summary>The connector node the event came in through.</summary>
    public required string SourceNode { get; init; }

    /// <summary>The event's Idempotency-Key (a connector's delivery id): a redelivered event finds its run instead of starting another.</summary>
    public required string EventKey { get; init; }

    /// <summary>The W3C traceparent of the request that brought the event: the run's steps are spans of the same trace.</summary>
    public string? TraceParent { get; init; }

    public RunStatus Status { get; set; } = RunStatus.Running;

    public DateTime AcceptedAt { get; init; } = DateTime.UtcNow;

    public DateTime? FinishedAt { get; set; }

    /// <summary>Why the run failed as a whole (a limit it crossed); null when it failed by a dead-lettered step, or did not fail.</summary>
    public string? Error { get; set; }
}
