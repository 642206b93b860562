using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Klusterkluck.Connectors.Nats;

/// <summary>
/// Reads a durable JetStream consumer and settles each message by how its delivery ended:
/// delivered, ack; dead-lettered, terminate (the host logged it); abandoned because the host
/// stopped, nak, so that the stream offers it again at once.
/// </summary>
internal sealed partial class StreamReader(NatsConnection connection, IDeliverySink sink, ILogger logger)
{
    private readonly ConcurrentDictionary<Task, byte> _settling = new();

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

        try
        {
            // The loop ends without an exception once stoppingToken fires.
            await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: stoppingToken))
            {
                var delivery = await sink.SendAsync(NatsConnector.ToPayload(message.Subject, message.Data, message.Headers), stoppingToken);
                Track(SettleAsync(message, delivery));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Acknowledgements still owed go out before the connection closes.
        await Task.WhenAll(_settling.Keys);
    }

    private void Track(Task settling)
    {
        _settling[settling] = 0;
        settling.ContinueWith(done => _settling.TryRemove(done, out _), TaskScheduler.Default);
    }

    private async Task SettleAsync(INatsJSMsg<byte[]> message, Delivery delivery)
    {
        var outcome = await delivery.Completion;
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
