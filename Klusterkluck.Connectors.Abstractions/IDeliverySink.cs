namespace Klusterkluck.Connectors;

/// <summary>The host's side of delivery, handed to <see cref="IConnector.RunAsync"/>.</summary>
public interface IDeliverySink
{
    /// <summary>
    /// Hands <paramref name="payload"/> to the host. Completes once the host has buffered it,
    /// which waits while the buffer is full (back-pressure: a connector should stop taking
    /// events rather than drop them). The host then delivers it at least once, retrying with
    /// backoff; <see cref="Delivery.Completion"/> says how that ended.
    /// </summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires before the buffer had room; the payload was not taken.</exception>
    ValueTask<Delivery> SendAsync(Payload payload, CancellationToken cancellationToken);
}
