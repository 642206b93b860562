using System.Net;

namespace Klusterkluck.Connectors.Tests.Outbox;

/// <summary>The host's delivery, whichever plugin produces: driven through the http connector, the easiest to feed.</summary>
public class DeliveryTests
{
    private static async Task<(ServiceProcess Host, HttpClient Client)> StartAsync(Receiver receiver, params (string Name, string Value)[] extra)
    {
        var port = ServiceProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "http",
            ["KK_TARGET_URL"] = receiver.Url(),
            ["KK_HTTP_URLS"] = $"http://127.0.0.1:{port}",
            ["KK_DELIVERY_BACKOFF"] = "50ms",
            ["KK_DELIVERY_BACKOFF_MAX"] = "300ms",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }
        var host = await ConnectorHost.StartAsync(environment);
        return (host, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }

    private static async Task SendAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("/", new StringContent(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task ReceiverFailingForAWhileLosesNothing()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 502;
        var (host, client) = await StartAsync(receiver);
        await using var _ = host;
        using var __ = client;

        var bodies = Enumerable.Range(1, 50).Select(i => $"event-{i}").ToList();
        foreach (var body in bodies)
        {
            await SendAsync(client, body);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        var failedAttempts = receiver.Attempts;
        receiver.FailWith = 0;

        var received = await receiver.WaitForAsync(bodies.Count);
        Assert.True(failedAttempts >= 8, $"only {failedAttempts} attempts while failing");
        Assert.Equal(bodies.Order(), received.Select(r => r.Body).Distinct().Order());
        Assert.Contains(received, r => int.Parse(r.Header("KK-Delivery-Attempt")!) > 1);
        Assert.DoesNotContain("Dead-lettered", host.Output);
    }

    [Fact]
    public async Task RefusedPayloadIsDeadLetteredWithOneLogLineAndTheNextOneGoesOn()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 422;
        var (host, client) = await StartAsync(receiver);
        await using var _ = host;
        using var __ = client;

        await SendAsync(client, "refused");
        Assert.True(await host.WaitForOutputAsync("Dead-lettered payload"), host.Output);
        receiver.FailWith = 0;
        await SendAsync(client, "accepted");

        Assert.Equal("accepted", (await receiver.WaitForAsync(1)).Single().Body);
        var line = Assert.Single(host.Output.Split('\n'), l => l.Contains("Dead-lettered", StringComparison.Ordinal));
        Assert.Contains("after 1 attempt(s): the target refused it: 422", line);
        Assert.Contains($"base64 {Convert.ToBase64String("refused"u8)}", line);
    }

    [Fact]
    public async Task PayloadIsDeadLetteredAfterItsLastAttempt()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 500;
        var (host, client) = await StartAsync(receiver, ("KK_DELIVERY_ATTEMPTS", "3"));
        await using var _ = host;
        using var __ = client;

        await SendAsync(client, "doomed");

        Assert.True(await host.WaitForOutputAsync("Dead-lettered payload"), host.Output);
        Assert.Equal(3, receiver.Attempts);
        Assert.Contains("after 3 attempt(s): the last attempt failed: 500", host.Output);
    }

    [Fact]
    public async Task StoppingHostLogsEveryPayloadItCouldNotDeliver()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 503;
        var (host, client) = await StartAsync(receiver, ("KK_DRAIN_TIMEOUT", "1s"));
        await using var _ = host;
        using var __ = client;
        await SendAsync(client, "first");
        await SendAsync(client, "second");

        host.Terminate();

        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(8)));
        Assert.Equal(2, host.Output.Split('\n').Count(l => l.Contains("the host stopped before delivering it", StringComparison.Ordinal)));
    }
}
