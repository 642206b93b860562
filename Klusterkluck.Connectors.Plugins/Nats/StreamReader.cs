using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Klusterkluck.Connectors.Nats;

/// <summary>
/// Reads a durable JetStream consumer and settles each message by how its delivery ended:
/// delivered, ack; dead-lettered, terminate (the host logged it); abandoned because the host
/// stopped, nak, so that the stream offers it again at once. While a delivery is still being
/// retried, the message is marked in progress, so the server does not redeliver it after its
/// AckWait and the target does not get it twice.
/// </summary>
internal sealed partial class StreamReader(NatsConnection connection, IDeliverySink sink, ILogger logger)
{
    private readonly ConcurrentDictionary<long, Unsettled> _unsettled = new();
    private long _next;

    private sealed record Unsettled(INatsJSMsg<byte[]> Message)
    {
        public Task Settling { get; set; } = Task.CompletedTask;
    }

    public async Task RunAsync(string stream, string consumerName, string subject, TimeSpan ackWait, int maxAckPending, CancellationToken stoppingToken)
    {
        var jetStream = new NatsJSContext(connection);
        INatsJSConsumer consumer;
        try
        {
            consumer = await jetStream.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig(consumerName)
            {
                DurableName = consumerName,
                FilterSubject = subject,
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = ackWait,
                MaxAckPending = maxAckPending,
                DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            }, stoppingToken);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            throw new InvalidOperationException($"JetStream stream '{stream}' does not exist on the server: {e.Error.Description}", e);
        }

        using var settled = new CancellationTokenSource();
        var inProgress = KeepInProgressAsync(ackWait / 3, settled.Token);
        try
        {
            // The loop ends without an exception once stoppingToken fires.
            await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: stoppingToken))
            {
                // Marked in progress from the moment it arrives, also while it waits for room.
                var id = Interlocked.Increment(ref _next);
                var unsettled = new Unsettled(message);
                _unsettled[id] = unsettled;
                var streamId = message.Metadata is { } metadata ? $"{metadata.Stream}-{metadata.Sequence.Stream}" : null;
                var payload = NatsConnector.ToPayload(message.Subject, message.Data, message.Headers, streamId);
                Delivery delivery;
                try
                {
                    delivery = await sink.SendAsync(payload, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Never taken: offered again at once, to whichever replica is still running.
                    _unsettled.TryRemove(id, out _);
                    await SettleAsync(message, DeliveryOutcome.Abandoned);
                    break;
                }
                unsettled.Settling = SettleWhenDoneAsync(id, message, delivery);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Acknowledgements still owed go out before the connection closes.
            await Task.WhenAll(_unsettled.Values.Select(u => u.Settling));
            await settled.CancelAsync();
            await inProgress;
        }
    }

    private async Task KeepInProgressAsync(TimeSpan every, CancellationToken settled)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(settled))
            {
                foreach (var unsettled in _unsettled.Values)
                {
                    try
                    {
                        await unsettled.Message.AckProgressAsync(cancellationToken: settled);
                    }
                    catch (Exception e) when (e is NatsException or ObjectDisposedException)
                    {
                        // Not marked, the message may come back once more: at least once still holds.
                    }
                }
            }
        }
        catch (OperationCanceledException) when (settled.IsCancellationRequested)
        {
        }
    }

    private async Task SettleWhenDoneAsync(long id, INatsJSMsg<byte[]> message, Delivery delivery)
    {
        try
        {
            await SettleAsync(message, await delivery.Completion);
        }
        finally
        {
            _unsettled.TryRemove(id, out _);
        }
    }

    private async Task SettleAsync(INatsJSMsg<byte[]> message, DeliveryOutcome outcome)
    {
        try
        {
            switch (outcome)
            {
                case DeliveryOutcome.Delivered:
                    await message.AckAsync();
                    break;
                case DeliveryOutcome.DeadLettered:
                    await message.AckTerminateAsync();
                    break;
                default:
                    await message.NakAsync();
                    break;
            }
        }
        catch (Exception e) when (e is NatsException or ObjectDisposedException)
        {
            // Unsettled, the message comes back after the consumer's AckWait: at least once still holds.
            SettleFailed(logger, message.Subject, outcome, e.Message);
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not settle a message on {Subject} ({Outcome}): {Reason}; JetStream will redeliver it")]
    private static partial void SettleFailed(ILogger logger, string subject, DeliveryOutcome outcome, string reason);
}
