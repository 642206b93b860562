using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Klusterkluck.Connectors.Nats;

/// <summary>
/// Forwards NATS messages. Without a stream it subscribes to the subject (core NATS: at most
/// once from the server's side, so a message dropped by a slow subscriber is logged, never
/// silent); with <c>KK_NATS_STREAM</c> it reads a durable JetStream consumer and acknowledges each
/// message only once the target has it, so the stream redelivers anything the connector lost.
/// Messages of one subject are delivered in order.
/// </summary>
public sealed partial class NatsConnector : IConnector
{
    public const string Url = "KK_NATS_URL";
    public const string Subject = "KK_NATS_SUBJECT";
    public const string Queue = "KK_NATS_QUEUE";
    public const string Stream = "KK_NATS_STREAM";
    public const string Consumer = "KK_NATS_CONSUMER";
    public const string AckWait = "KK_NATS_ACK_WAIT";
    public const string MaxAckPending = "KK_NATS_MAX_ACK_PENDING";
    public const string Credentials = "KK_NATS_CREDS";

    /// <summary>The message's subject, forwarded with every payload.</summary>
    public const string SubjectHeader = "KK-Nats-Subject";

    public string Name => "nats";

    public string Description => "Forwards NATS messages from a subject, or from a durable JetStream consumer acknowledged after delivery";

    public IReadOnlyList<ConnectorVariable> Variables { get; } =
    [
        new(Url, "NATS server, e.g. nats://nats:4222 (secret: a NATS URL may carry a user and password)") { Required = true, Format = VariableFormat.Url, Secret = true },
        new(Subject, "Subject to read; wildcards allowed, e.g. orders.>") { Required = true },
        new(Queue, "Queue group, so that replicas share the messages (core NATS; a JetStream consumer is shared by name)"),
        new(Stream, "JetStream stream holding the subject; when set, messages are acknowledged only after delivery"),
        new(Consumer, "Durable JetStream consumer name; by default derived from the subject"),
        new(AckWait, "How long JetStream waits for an acknowledgement before redelivering") { Default = "60s", Format = VariableFormat.Duration },
        new(MaxAckPending, "Most JetStream messages taken and not yet acknowledged") { Default = "1000", Format = VariableFormat.PositiveInteger },
        new(Credentials, "Path of a NATS credentials (.creds) file"),
    ];

    public IEnumerable<string> Validate(ConnectorSettings settings)
    {
        if (settings.GetUrl(Url) is { } url && url.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            yield return $"{Url} must be a nats://, tls://, ws:// or wss:// URL, not '{url}'";
        }
        if (settings.Get(Credentials) is { } file && !File.Exists(file))
        {
            yield return $"{Credentials} names {file}, which does not exist";
        }
        if (settings.Get(Consumer) is { } consumer && !ConsumerNames.IsValid(consumer))
        {
            yield return $"{Consumer} '{consumer}' may not contain whitespace, '.', '*' or '>'";
        }
    }

    public async Task RunAsync(ConnectorContext context, CancellationToken stoppingToken)
    {
        var settings = context.Settings;
        var logger = context.LoggerFactory.CreateLogger<NatsConnector>();
        var options = NatsOpts.Default with
        {
            Url = settings.Get(Url)!,
            Name = "klusterkluck-connector",
            LoggerFactory = context.LoggerFactory,
            AuthOpts = settings.Get(Credentials) is { } creds ? NatsAuthOpts.Default with { CredsFile = creds } : NatsAuthOpts.Default,
        };
        await using var connection = new NatsConnection(options);
        connection.MessageDropped += (_, dropped) =>
        {
            Dropped(logger, dropped.Subject, dropped.Pending);
            return ValueTask.CompletedTask;
        };
        await connection.ConnectAsync();

        var subject = settings.Get(Subject)!;
        if (settings.Get(Stream) is { } stream)
        {
            var consumer = settings.Get(Consumer) ?? ConsumerNames.From(subject);
            Reading(logger, subject, $"JetStream stream {stream}, consumer {consumer}");
            await new StreamReader(connection, context.Sink, logger).RunAsync(stream, consumer, subject,
                settings.GetDuration(AckWait)!.Value, settings.GetInteger(MaxAckPending)!.Value, stoppingToken);
            return;
        }
        var queue = settings.Get(Queue);
        await using var subscription = await connection.SubscribeCoreAsync<byte[]>(subject, queue, cancellationToken: stoppingToken);
        // The round trip means the server has the subscription: "Reading" is true when logged.
        await connection.PingAsync(stoppingToken);
        Reading(logger, subject, queue is null ? "core NATS" : $"core NATS, queue group {queue}");
        await foreach (var message in subscription.Msgs.ReadAllAsync(stoppingToken))
        {
            await context.Sink.SendAsync(ToPayload(message.Subject, message.Data, message.Headers, id: null), stoppingToken);
        }
    }

    internal static Payload ToPayload(string subject, byte[]? data, NatsHeaders? headers, string? id)
    {
        string? contentType = null;
        headers?.TryGetLastValue("Content-Type", out contentType);
        return new Payload(data ?? [], contentType)
        {
            Id = id,
            OrderKey = subject,
            Headers = new Dictionary<string, string> { [SubjectHeader] = subject },
        };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Reading {Subject} ({Mode})")]
    private static partial void Reading(ILogger logger, string subject, string mode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Dropped a message on {Subject}: the subscription's buffer was full ({Pending} pending); core NATS does not redeliver, use KK_NATS_STREAM for at-least-once")]
    private static partial void Dropped(ILogger logger, string subject, long pending);
}
