using System.Text.Json;

namespace Klusterkluck.Connectors.Tests.Hosting;

public class StartupTests
{
    [Fact]
    public void MissingTargetStopsBeforeAnythingRunsWithOneLine()
    {
        var (exitCode, output, error) = ConnectorHost.Run(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "timer",
            ["KK_TIMER_INTERVAL"] = "1s",
        });

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: connector 'timer' cannot start: KK_TARGET_URL is required", line);
    }

    [Fact]
    public void EveryMalformedVariableIsNamedOnTheSameLine()
    {
        var (exitCode, _, error) = ConnectorHost.Run(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "timer",
            ["KK_TARGET_URL"] = "ftp://127.0.0.1/events",
            ["KK_TIMER_CRON"] = "every second",
            ["KK_DELIVERY_BUFFER"] = "0",
            ["KK_DELIVERY_BACKOFF"] = "soon",
            ["KK_DRAIN_TIMEOUT"] = "99999999999999h",
        });

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("KK_DELIVERY_BUFFER must be a whole number of at least 1, not '0'", line);
        Assert.Contains("KK_DELIVERY_BACKOFF must be a positive duration", line);
        Assert.Contains("KK_DRAIN_TIMEOUT must be a positive duration such as 250ms, 10s, 5m or 1h (at most 720h), not '99999999999999h'", line);
        Assert.Contains("KK_TARGET_URL must be an http or https URL", line);
        Assert.Contains("KK_TIMER_CRON 'every second' is not a Quartz cron expression", line);
    }

    [Fact]
    public void PluginChecksWhatItsVariablesCannotDeclare()
    {
        var (exitCode, _, error) = ConnectorHost.Run(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "timer",
            ["KK_TARGET_URL"] = "http://127.0.0.1:9/events",
            ["KK_TIMER_CRON"] = "* * * *",
            ["KK_TIMER_INTERVAL"] = "5s",
            ["KK_TIMER_TIMEZONE"] = "Mars/Olympus_Mons",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("set exactly one of KK_TIMER_CRON and KK_TIMER_INTERVAL", error);
        Assert.Contains("KK_TIMER_CRON '* * * *' is not a Quartz cron expression", error);
        Assert.Contains("KK_TIMER_TIMEZONE 'Mars/Olympus_Mons' is not a known time zone", error);
    }

    [Fact]
    public void UnknownConnectorListsTheAvailableOnes()
    {
        var (exitCode, _, error) = ConnectorHost.Run(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "kafka",
            ["KK_TARGET_URL"] = "http://127.0.0.1:9/events",
        });

        Assert.Equal(2, exitCode);
        Assert.Equal("error: KK_CONNECTOR 'kafka' is not a loaded connector: available: http, nats, timer", error.Trim());
    }

    [Fact]
    public void ListPrintsEveryPluginWithItsVariables()
    {
        var (exitCode, output, _) = ConnectorHost.Run(new Dictionary<string, string>(), "--list");

        Assert.Equal(0, exitCode);
        Assert.Contains("\ntimer: Sends a payload on a Quartz cron schedule", output);
        Assert.Contains("  KK_NATS_URL (required, url, secret): NATS server", output);
        Assert.Contains("  KK_HTTP_URLS (listen address, default http://0.0.0.0:8081):", output);
        Assert.Contains("  KK_HTTP_TOKEN (secret):", output);
        Assert.Contains("  KK_HTTP_MAX_BODY (positive-integer, largest payload, default 1048576):", output);
        Assert.Contains("  KK_TARGET_URL (required, url):", output);
    }

    [Fact]
    public void ListAsJsonIsTheCatalogsMetadata()
    {
        var (exitCode, output, _) = ConnectorHost.Run(new Dictionary<string, string>(), "--list", "--json");

        Assert.Equal(0, exitCode);
        using var listing = JsonDocument.Parse(output);
        var connectors = listing.RootElement.GetProperty("connectors").EnumerateArray().ToList();
        Assert.Equal(["http", "nats", "timer"], connectors.Select(c => c.GetProperty("name").GetString()));
        var nats = connectors.Single(c => c.GetProperty("name").GetString() == "nats");
        var url = nats.GetProperty("variables").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "KK_NATS_URL");
        Assert.True(url.GetProperty("required").GetBoolean());
        Assert.Equal("url", url.GetProperty("format").GetString());
        Assert.True(url.GetProperty("secret").GetBoolean());
        var http = connectors.Single(c => c.GetProperty("name").GetString() == "http").GetProperty("variables").EnumerateArray()
            .ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.True(http["KK_HTTP_URLS"].GetProperty("listen").GetBoolean());
        Assert.True(http["KK_HTTP_TOKEN"].GetProperty("secret").GetBoolean());
        Assert.False(http["KK_HTTP_MAX_BODY"].GetProperty("secret").GetBoolean());
        Assert.True(http["KK_HTTP_MAX_BODY"].GetProperty("maxPayload").GetBoolean());
        Assert.False(http["KK_HTTP_TOKEN"].GetProperty("maxPayload").GetBoolean());
        Assert.Contains(listing.RootElement.GetProperty("hostVariables").EnumerateArray(), v => v.GetProperty("name").GetString() == "KK_TARGET_URL");
    }
}
