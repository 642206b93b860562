using System.Text.Json;

namespace Klusterkluck.Connectors.Tests.Timer;

public class TimerConnectorTests
{
    [Fact]
    public async Task CronFiresEverySecondInOrder()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await ConnectorHost.StartAsync(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "timer",
            ["KK_TARGET_URL"] = receiver.Url(),
            ["KK_TIMER_CRON"] = "* * * * * ?",
            ["KK_TIMER_TIMEZONE"] = "Europe/Berlin",
        });

        var received = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(10));

        var ticks = received.Take(3).Select(r =>
        {
            Assert.Equal("application/json", r.ContentType);
            using var tick = JsonDocument.Parse(r.Body);
            return tick.RootElement.GetProperty("scheduledAt").GetDateTimeOffset();
        }).ToList();
        Assert.All(ticks, t => Assert.Equal(0, t.Millisecond));
        Assert.Equal(TimeSpan.FromSeconds(1), ticks[1] - ticks[0]);
        Assert.Equal(TimeSpan.FromSeconds(1), ticks[2] - ticks[1]);
    }

    [Fact]
    public async Task IntervalSendsTheConfiguredPayloadToTheCallbackUrl()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await ConnectorHost.StartAsync(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "timer",
            ["CALLBACK_URL"] = receiver.Url(),
            ["KK_TIMER_INTERVAL"] = "200ms",
            ["KK_TIMER_PAYLOAD"] = "ping",
        });

        var received = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(10));

        Assert.All(received, r => Assert.Equal("ping", r.Body));
        Assert.Equal("text/plain; charset=utf-8", received[0].ContentType);
        Assert.Equal("timer", received[0].Header("KK-Connector"));
    }
}
