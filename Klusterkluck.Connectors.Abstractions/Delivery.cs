namespace Klusterkluck.Connectors;

/// <summary>A payload the host has taken; acknowledge the source once <see cref="Completion"/> says so.</summary>
public sealed class Delivery
{
    private readonly TaskCompletionSource<DeliveryOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a delivery for the host to complete; plugins receive them from <see cref="IDeliverySink.SendAsync"/>.</summary>
    /// <param name="id">The delivery's id, also sent to the target as its <c>Idempotency-Key</c>.</param>
    public Delivery(string id) => Id = id;

    /// <summary>The same on every attempt, so a target can recognise a retry.</summary>
    public string Id { get; }

    /// <summary>Completes when the target accepted the payload or the host gave up on it.</summary>
    public Task<DeliveryOutcome> Completion => _outcome.Task;

    /// <summary>
    /// The target's answer to the last attempt, set before <see cref="Completion"/> completes: what
    /// a source that answers its own caller (the http connector) passes on, such as the run the
    /// target started or why it refused. Null when no attempt got an answer (abandoned, unreachable).
    /// </summary>
    public TargetAnswer? Answer { get; private set; }

    /// <summary>Records how delivery ended; only the host calls this, once.</summary>
    public void Complete(DeliveryOutcome outcome) => _outcome.TrySetResult(outcome);

    /// <summary>Records how delivery ended and the target's last answer; only the host calls this, once.</summary>
    public void Complete(DeliveryOutcome outcome, TargetAnswer? answer)
    {
        Answer = answer;
        Complete(outcome);
    }
}

/// <summary>The target's answer to one attempt.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Reason">The status and its phrase, or why the attempt failed, in one line.</param>
/// <param name="Body">The start of the answer's body (the host keeps at most 16 KiB of it).</param>
/// <param name="ContentType">The body's media type, when the target said.</param>
public sealed record TargetAnswer(int Status, string Reason, ReadOnlyMemory<byte> Body, string? ContentType);

/// <summary>How the delivery of one payload ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>The target answered 2xx.</summary>
    Delivered,

    /// <summary>
    /// The host gave up: the target refused it (4xx other than 408 and 429) or the last retry
    /// failed. The host logged it as dead-lettered; a source should not offer it again.
    /// </summary>
    DeadLettered,

    /// <summary>
    /// The host stopped before it could deliver the payload. The host logged it; a source that
    /// can redeliver (a queue) should offer it again, to the next connector instance.
    /// </summary>
    Abandoned,
}
