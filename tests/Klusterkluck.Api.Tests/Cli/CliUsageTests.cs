namespace Klusterkluck.Api.Tests.Cli;

/// <summary>kk fn new/set with a throttle, a call it refuses, and kk usage showing what was counted.</summary>
public sealed class CliUsageTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Password = "correct-horse-battery-2";

    [Fact]
    public async Task AThrottleSetWithKkRefusesTheCallOverItAndKkUsageCountsEveryCall()
    {
        using var kk = new Kk();
        var username = $"usage{Guid.NewGuid():N}"[..16];
        var registered = await kk.RunWithInputAsync(Password + "\n", "register", "--server", fixture.Api.BaseUrl, "-u", username, "--email",
            $"{username}@example.com", "--password-stdin");
        Assert.True(registered.ExitCode == 0, registered.ToString());

        var created = await kk.RunAsync("fn", "new", "counted", "--kind", "nodejs", "--no-clone", "--max-in-flight", "5");
        Assert.True(created.ExitCode == 0, created.ToString());
        for (var i = 0; i < 3; i++)
        {
            var called = await kk.RunAsync("fn", "invoke", "counted", "-X", "GET", "--path", "/?name=kk");
            Assert.True(called.ExitCode == 0, called.ToString());
        }

        // A throttle alone is in force at once: no deploy to wait for.
        var set = await kk.RunAsync("fn", "set", "counted", "--rate-limit", "1", "--per", "600");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("settings are in force: ready", set.Output);
        var shown = await kk.RunAsync("fn", "get", "counted");
        Assert.Contains("at most 1 requests per 600 s, 5 at once", shown.Output);
        Assert.Equal(0, (await kk.RunAsync("fn", "invoke", "counted", "-X", "GET")).ExitCode);
        var refused = await kk.RunAsync("fn", "invoke", "counted", "-X", "GET");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("Too many requests", refused.Output + refused.Error);

        // Four calls reached it, one was refused; a second is enough for the flush.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        KkResult usage;
        do
        {
            await Task.Delay(500);
            usage = await kk.RunAsync("usage", "counted", "--granularity", "minute", "-o", "json");
            Assert.True(usage.ExitCode == 0, usage.ToString());
        }
        while ((usage.Json.GetProperty("totals").GetProperty("invocations").GetInt64() < 4
            || usage.Json.GetProperty("totals").GetProperty("throttled").GetInt64() < 1) && DateTime.UtcNow < deadline);
        var totals = usage.Json.GetProperty("totals");
        Assert.Equal(4, totals.GetProperty("invocations").GetInt64());
        Assert.Equal(1, totals.GetProperty("throttled").GetInt64());

        var table = await kk.RunAsync("usage");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("PERIOD (UTC)", table.Output);
        Assert.Contains("counted", table.Output);
        Assert.Contains("Total", table.Output);
        var bad = await kk.RunAsync("usage", "--granularity", "week");
        Assert.Equal(2, bad.ExitCode);
    }
}
