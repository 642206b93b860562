using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Klusterkluck.Connectors.Tests.Nats;

public class NatsConnectorTests(NatsServer nats) : IClassFixture<NatsServer>
{
    private Dictionary<string, string> Nats(string target, string subject, params (string Name, string Value)[] settings) =>
        ConnectorHost.Environment("nats", target, [("KK_NATS_URL", nats.Url), ("KK_NATS_SUBJECT", subject), .. settings]);

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    /// <summary>Core NATS keeps no messages: publish only once the connector's subscription is on the server (it says so once it is).</summary>
    private async Task WaitSubscribedAsync(ServiceProcess host)
    {
        Assert.True(await host.WaitForOutputAsync("Reading "), host.Output);
    }

    private async Task PublishAsync(string subject, int count, string? contentType = null)
    {
        var headers = contentType is null ? null : new NatsHeaders { ["Content-Type"] = contentType };
        for (var i = 0; i < count; i++)
        {
            await nats.Connection.PublishAsync(subject, Encoding.UTF8.GetBytes($"message-{i}"), headers: headers);
        }
    }

    private async Task<string> CreateStreamAsync(string subjects)
    {
        var name = Unique("S").Replace('-', '_');
        await new NatsJSContext(nats.Connection).CreateStreamAsync(new StreamConfig(name, [subjects]));
        return name;
    }

    private async Task PublishToStreamAsync(string subject, int count)
    {
        var jetStream = new NatsJSContext(nats.Connection);
        for (var i = 0; i < count; i++)
        {
            (await jetStream.PublishAsync(subject, Encoding.UTF8.GetBytes($"message-{i}"))).EnsureSuccess();
        }
    }

    private static IEnumerable<string> Expected(int count) => Enumerable.Range(0, count).Select(i => $"message-{i}");

    [Fact]
    public async Task SubjectIsForwardedInOrderWithItsContentType()
    {
        await using var receiver = await Receiver.StartAsync();
        var subject = Unique("orders");
        await using var host = await ConnectorHost.StartAsync(Nats(receiver.Url(), $"{subject}.>"));
        await WaitSubscribedAsync(host);

        await PublishAsync($"{subject}.eu", 100, "application/json");

        var received = await receiver.WaitForAsync(100);
        Assert.Equal(Expected(100), received.Select(r => r.Body));
        Assert.Equal("application/json", received[0].ContentType);
        Assert.Equal($"{subject}.eu", received[0].Header("KK-Nats-Subject"));
    }

    [Fact]
    public async Task QueueGroupSharesTheMessagesBetweenReplicas()
    {
        await using var receiver = await Receiver.StartAsync();
        var subject = Unique("work");
        await using var first = await ConnectorHost.StartAsync(Nats(receiver.Url("first"), subject, ("KK_NATS_QUEUE", "workers")));
        await using var second = await ConnectorHost.StartAsync(Nats(receiver.Url("second"), subject, ("KK_NATS_QUEUE", "workers")));
        await WaitSubscribedAsync(first);
        await WaitSubscribedAsync(second);

        await PublishAsync(subject, 200);

        var received = await receiver.WaitForAsync(200);
        await Task.Delay(500);
        Assert.Equal(Expected(200).Order(), receiver.Accepted.Select(r => r.Body).Order());
        Assert.Contains(received, r => r.Path == "first");
        Assert.Contains(received, r => r.Path == "second");
    }

    [Fact]
    public async Task StreamLosesNothingWhileTheReceiverFailsAndKeepsTheOrder()
    {
        await using var receiver = await Receiver.StartAsync();
        var subject = Unique("jobs");
        var stream = await CreateStreamAsync(subject);
        receiver.FailWith = 503;
        await using var host = await ConnectorHost.StartAsync(Nats(receiver.Url(), subject, ("KK_NATS_STREAM", stream), ("KK_NATS_CONSUMER", "jobs")));

        await PublishToStreamAsync(subject, 100);
        await Task.Delay(TimeSpan.FromSeconds(2));
        receiver.FailWith = 0;

        var received = await receiver.WaitForAsync(100);
        Assert.Equal(Expected(100), received.Select(r => r.Body));
        // The key is the message's place in the stream, the same however often it is delivered.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"{stream}-{i}"), received.Select(r => r.Header("Idempotency-Key")));
        var consumer = await new NatsJSContext(nats.Connection).GetConsumerAsync(stream, "jobs");
        await WaitUntilAsync(async () =>
        {
            await consumer.RefreshAsync();
            return consumer.Info.NumAckPending == 0;
        });
    }

    [Fact]
    public async Task StreamRedeliversWhatAKilledConnectorHadNotDelivered()
    {
        await using var receiver = await Receiver.StartAsync();
        var subject = Unique("audit");
        var stream = await CreateStreamAsync(subject);
        receiver.FailWith = 503;
        var environment = Nats(receiver.Url(), subject, ("KK_NATS_STREAM", stream), ("KK_NATS_ACK_WAIT", "2s"));
        await using (var doomed = await ConnectorHost.StartAsync(environment))
        {
            await PublishToStreamAsync(subject, 30);
            await WaitUntilAsync(() => Task.FromResult(receiver.Attempts > 0));
            doomed.Kill();
        }
        receiver.FailWith = 0;

        await using var replacement = await ConnectorHost.StartAsync(environment);

        // At least once: a message may come twice, so wait for 30 different ones, not 30 deliveries.
        await WaitUntilAsync(() => Task.FromResult(receiver.Accepted.Select(r => r.Body).Distinct().Count() >= 30), seconds: 30);
        Assert.Equal(Expected(30).Order(), receiver.Accepted.Select(r => r.Body).Distinct().Order());
    }

    [Fact]
    public async Task StreamDoesNotRedeliverWhatTheConnectorIsStillRetrying()
    {
        await using var receiver = await Receiver.StartAsync();
        var subject = Unique("slow");
        var stream = await CreateStreamAsync(subject);
        receiver.FailWith = 503;
        await using var host = await ConnectorHost.StartAsync(Nats(receiver.Url(), subject, ("KK_NATS_STREAM", stream), ("KK_NATS_ACK_WAIT", "1s")));

        await PublishToStreamAsync(subject, 5);
        // Four times the AckWait: without "in progress" the server would have offered each message again.
        await Task.Delay(TimeSpan.FromSeconds(4));
        receiver.FailWith = 0;

        await receiver.WaitForAsync(5);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(Expected(5), receiver.Accepted.Select(r => r.Body));
    }

    [Fact]
    public async Task MissingStreamStopsTheConnectorWithAClearMessage()
    {
        await using var receiver = await Receiver.StartAsync();
        var host = ServiceProcess.Start(ConnectorHost.Assembly, Nats(receiver.Url(), "anything", ("KK_NATS_STREAM", "NO_SUCH_STREAM")));
        await using var _ = host;

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("JetStream stream 'NO_SUCH_STREAM' does not exist", host.Output);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 10)
    {
        for (var attempt = 0; attempt < seconds * 20; attempt++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the condition never held");
    }
}
