using System.Net;

namespace Klusterkluck.Connectors.Tests.Outbox;

/// <summary>
/// The host's delivery, whichever plugin produces: driven through the http connector, the easiest
/// to feed, with a short accept timeout, so that a payload the host is still retrying answers its
/// sender at once (503) while the outbox goes on with it.
/// </summary>
public class DeliveryTests
{
    private static readonly (string, string) s_quickAnswer = ("KK_HTTP_ACCEPT_TIMEOUT", "200ms");

    /// <summary>Sends one payload and checks the host took it: delivered (202), refused by the target (passed on), or still being retried (503).</summary>
    private static async Task SendAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("/", new StringContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted || text.Contains("deliveryId", StringComparison.Ordinal)
            || text.Contains("may still arrive", StringComparison.Ordinal), $"{(int)response.StatusCode}: {text}");
    }

    private static Task<HttpConnectorProcess> StartAsync(Receiver receiver, params (string Name, string Value)[] settings) =>
        HttpConnectorProcess.StartAsync(receiver, [s_quickAnswer, .. settings]);

    [Fact]
    public async Task ReceiverFailingForAWhileLosesNothing()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 502;
        await using var http = await StartAsync(receiver);
        var (host, client) = (http.Host, http.Client);

        var bodies = Enumerable.Range(1, 50).Select(i => $"event-{i}").ToList();
        await Task.WhenAll(bodies.Select(body => SendAsync(client, body)));
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
        await using var http = await StartAsync(receiver);
        var (host, client) = (http.Host, http.Client);

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
    public async Task RedirectIsRefusalNotDelivery()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.RedirectTo = receiver.Url("elsewhere");
        await using var http = await StartAsync(receiver);

        await SendAsync(http.Client, "moved");

        Assert.True(await http.Host.WaitForOutputAsync("Dead-lettered payload"), http.Host.Output);
        Assert.Contains("the target refused it: 301", http.Host.Output);
        Assert.Equal(0, receiver.Gets);
    }

    [Fact]
    public async Task PayloadTheTargetKeepsFailingHoldsUpNoOther()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Poison = "poison";
        await using var http = await StartAsync(receiver, ("KK_DELIVERY_PARALLELISM", "4"));

        await SendAsync(http.Client, "poison");
        var bodies = Enumerable.Range(1, 20).Select(i => $"fine-{i}").ToList();
        foreach (var body in bodies)
        {
            await SendAsync(http.Client, body);
        }

        var received = await receiver.WaitForAsync(20, TimeSpan.FromSeconds(5));
        Assert.Equal(bodies.Order(), received.Select(r => r.Body).Order());
        Assert.DoesNotContain("Dead-lettered", http.Host.Output);
    }

    [Fact]
    public async Task PayloadIsDeadLetteredAfterItsLastAttempt()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 500;
        await using var http = await StartAsync(receiver, ("KK_DELIVERY_ATTEMPTS", "3"));
        var (host, client) = (http.Host, http.Client);

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
        await using var http = await StartAsync(receiver, ("KK_DRAIN_TIMEOUT", "1s"));
        var (host, client) = (http.Host, http.Client);
        await SendAsync(client, "first");
        await SendAsync(client, "second");

        host.Terminate();

        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(8)));
        Assert.Equal(2, host.Output.Split('\n').Count(l => l.Contains("the host stopped before delivering it", StringComparison.Ordinal)));
    }
}
