using Quartz;

namespace Klusterkluck.Connectors.Timer;

/// <summary>What a tick needs from the connector: the sink, the payload settings, and the connector's lifetime.</summary>
internal sealed record TickSource(IDeliverySink Sink, string? Payload, string? ContentType, CancellationToken Stopping);

/// <summary>One tick: hands the payload to the host, waiting for room if its buffer is full.</summary>
internal sealed class TickJob(TickSource source) : IJob
{
    public const string Name = "tick";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, source.Stopping);
        var payload = TimerConnector.TickPayload(source.Payload, source.ContentType, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.FireTimeUtc);
        await source.Sink.SendAsync(payload, stop.Token);
    }
}
