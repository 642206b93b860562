using System.Diagnostics;
using Klusterkluck.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

/// <summary>
/// The nats connector (core NATS) on <paramref name="Subjects"/> subjects, fed by one publisher
/// that keeps at most <paramref name="Window"/> messages between publish and delivery: core NATS
/// keeps nothing, so running ahead of the connector would only measure dropped messages. With
/// <paramref name="Rate"/>, the publisher also keeps to that many messages per second. With
/// <paramref name="Stream"/>, the subjects are captured by a JetStream stream (file storage) and
/// the connector reads a durable consumer, acknowledging after delivery: the at-least-once path.
/// </summary>
internal sealed record NatsLoad(string HostAssembly, LatencyReceiver Receiver, int Subjects, int Window, double? Rate = null, bool Stream = false) : ILoad
{
    public string Shape => $"({(Stream ? "JetStream, " : "")}{Subjects} subject{(Subjects == 1 ? "" : "s")}, window {Window}{(Rate is { } rate ? $", {rate:0}/s offered" : "")})";

    public async Task<Measured> RunAsync(TimeSpan duration)
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = server.Url });
        await connection.ConnectAsync();
        if (Stream)
        {
            await new NatsJSContext(connection).CreateStreamAsync(new StreamConfig("BENCH", ["bench.>"]));
        }

        var environment = new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "nats",
            ["KK_TARGET_URL"] = Receiver.Url,
            ["KK_NATS_URL"] = server.Url,
            ["KK_NATS_SUBJECT"] = "bench.>",
        };
        if (Stream)
        {
            environment["KK_NATS_STREAM"] = "BENCH";
        }
        await using var connector = await ConnectorProcess.StartAsync(HostAssembly, environment);
        // Core NATS keeps nothing for a subscription that is not there yet.
        await Task.Delay(TimeSpan.FromSeconds(1));

        using var window = new SemaphoreSlim(Window);
        void Arrived() => window.Release();
        Receiver.Arrived += Arrived;
        try
        {
            await PublishAsync(connection, window, TimeSpan.FromSeconds(3));
            var cpu = connector.ProcessorTime;
            Receiver.Start();
            await PublishAsync(connection, window, duration);
            return Receiver.Stop() with { ConnectorCpu = connector.ProcessorTime - cpu };
        }
        finally
        {
            Receiver.Arrived -= Arrived;
        }
    }

    private async Task PublishAsync(NatsConnection connection, SemaphoreSlim window, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var pace = Rate is { } rate ? new Pace(rate) : null;
        for (var i = 0; Stopwatch.GetTimestamp() < end; i++)
        {
            if (pace is not null)
            {
                await pace.WaitAsync();
            }
            if (!await window.WaitAsync(TimeSpan.FromSeconds(5)))
            {
                throw new TimeoutException("the connector stopped delivering");
            }
            await connection.PublishAsync($"bench.{i % Subjects}", LatencyReceiver.Stamped());
        }
    }
}
