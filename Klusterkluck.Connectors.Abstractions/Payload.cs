namespace Klusterkluck.Connectors;

/// <summary>One event for the target: POSTed to <c>KK_TARGET_URL</c> as its body.</summary>
/// <param name="Body">The request body, sent as is.</param>
/// <param name="ContentType">The body's media type; <c>application/octet-stream</c> when null.</param>
public sealed record Payload(ReadOnlyMemory<byte> Body, string? ContentType)
{
    /// <summary>
    /// Payloads with the same key reach the target in the order they were sent, each one only
    /// after the one before it was delivered or dead-lettered. Null promises no order, which lets
    /// the host deliver in parallel.
    /// </summary>
    public string? OrderKey { get; init; }

    /// <summary>
    /// The event's own id, when the source has one that survives a redelivery (a stream's
    /// sequence): sent as the <c>Idempotency-Key</c>, so a target sees the same key for the same
    /// event however often it arrives. Null: the host makes one per payload.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// Extra request headers describing the event (for example the NATS subject). Names should
    /// start with <c>KK-</c> so they cannot collide with HTTP's own.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
