using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>An Api whose events are at most 4 KiB, with one user and an echo function.</summary>
public sealed class SmallEventsFixture : IAsyncLifetime
{
    public const int MaxPayloadBytes = 4096;

    private readonly TempFolder _data = new();

    public ApiProcess Api { get; private set; } = null!;

    public UserSession User { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await ApiProcess.StartAsync(_data.Path, new Dictionary<string, string>(QuickEngine)
        {
            ["Flows__MaxPayloadBytes"] = MaxPayloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        User = await UserSession.StartAsync(Api, "limits");
        await User.CreateWithCodeAsync("echo", "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions["echo"] });
    }

    public async Task DisposeAsync()
    {
        User.Dispose();
        await Api.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>A connector never takes (and acknowledges) a payload larger than the platform takes as an event.</summary>
public sealed class ConnectorLimitTests(SmallEventsFixture fixture) : IClassFixture<SmallEventsFixture>
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task AConnectorPayloadLimitAboveTheEventLimitIsRefusedNamingBothNumbers()
    {
        object[] edges = [Edge("in", "a")];
        using var above = await User.Client.PostAsJsonAsync("/api/v1/flows/validate",
            new { nodes = new[] { Connector("in", "http", ("KK_HTTP_MAX_BODY", "8192")), Function("a", "echo") }, edges });
        using var equal = await User.Client.PostAsJsonAsync("/api/v1/flows/validate",
            new { nodes = new[] { Connector("in", "http", ("KK_HTTP_MAX_BODY", "4096")), Function("a", "echo") }, edges });

        var problem = await above.AssertProblemAsync(400);
        var error = problem.GetProperty("errors").GetProperty("nodes[0].config.KK_HTTP_MAX_BODY")[0].GetString();
        Assert.Contains("8192", error);
        Assert.Contains("4096", error);
        Assert.Contains("Flows:MaxPayloadBytes", error);
        Assert.Equal(HttpStatusCode.OK, equal.StatusCode);
    }

    [Fact]
    public async Task AConnectorLeftAtItsDefaultRefusesABodyOverTheEventLimitItself()
    {
        await User.CreateFlowAsync("bounded", [Http("in"), Function("a", "echo")], [Edge("in", "a")]);
        await User.DeployFlowAsync("bounded");
        var url = await User.ConnectorUrlAsync("bounded", "in");
        using var http = new HttpClient();

        using var tooLarge = await http.PostAsync(url, new ByteArrayContent(new byte[SmallEventsFixture.MaxPayloadBytes + 1]));
        using var fits = await http.PostAsync(url, new StringContent(new string('x', SmallEventsFixture.MaxPayloadBytes)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        // Kestrel's own 413, before anything was delivered: not the Api's refusal passed on.
        Assert.DoesNotContain("refused", await tooLarge.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
        var run = await User.WaitForRunAsync("bounded", _ => true);
        Assert.Equal(new string('x', SmallEventsFixture.MaxPayloadBytes), run.Step("a").OutputText());
        Assert.Single(await User.GetRunsAsync("bounded"));
        var log = await User.Client.GetStringAsync("/api/v1/flows/bounded/connectors/in/logs");
        Assert.DoesNotContain("Dead-lettered", log);
    }

    [Fact]
    public async Task AnEventThePlatformRefusesIsDeadLetteredAndFoundInItsConnectorsLog()
    {
        // The nats connector has no payload limit of its own: a message above the event limit reaches the Api, which refuses it.
        await using var nats = await NatsServerProcess.StartAsync();
        await User.CreateFlowAsync("oversized", [Connector("queue", "nats", ("KK_NATS_URL", nats.Url), ("KK_NATS_SUBJECT", "big")), Function("a", "echo")],
            [Edge("queue", "a")]);
        await User.DeployFlowAsync("oversized");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string log;
        do
        {
            // Core NATS keeps nothing for a subscriber that is not there yet: published until the connector has one.
            Assert.True(DateTime.UtcNow < deadline, "no dead letter in the connector's log");
            await PublishAsync(nats.Url, "big", new string('y', SmallEventsFixture.MaxPayloadBytes + 1));
            await Task.Delay(500);
            log = await User.Client.GetStringAsync("/api/v1/flows/oversized/connectors/queue/logs");
        }
        while (!log.Contains("Dead-lettered payload", StringComparison.Ordinal));

        var line = log.Split('\n').First(l => l.Contains("Dead-lettered payload", StringComparison.Ordinal));
        Assert.Contains("the target refused it: 413", line);
        Assert.Contains($"{SmallEventsFixture.MaxPayloadBytes + 1} bytes", line);
        Assert.Empty(await User.GetRunsAsync("oversized"));
    }

    /// <summary>One message, in NATS's own text protocol, confirmed by the server's PONG.</summary>
    private static async Task PublishAsync(string url, string subject, string payload)
    {
        var address = new Uri(url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await reader.ReadLineAsync();
        var bytes = Encoding.UTF8.GetBytes(payload);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {{\"verbose\":false}}\r\nPUB {subject} {bytes.Length}\r\n"));
        await stream.WriteAsync(bytes);
        await stream.WriteAsync("\r\nPING\r\n"u8.ToArray());
        while (await reader.ReadLineAsync() is { } answer && answer != "PONG")
        {
            Assert.False(answer.StartsWith("-ERR", StringComparison.Ordinal), answer);
        }
    }
}
