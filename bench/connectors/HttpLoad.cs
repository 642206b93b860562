using System.Diagnostics;
using System.Net;
using Klusterkluck.Testing;

/// <summary>The http connector, fed by <paramref name="Concurrency"/> clients posting back to back, or together at <paramref name="Rate"/> per second.</summary>
internal sealed record HttpLoad(string HostAssembly, LatencyReceiver Receiver, int Concurrency, double? Rate = null) : ILoad
{
    public string Shape => Rate is { } rate ? $"({Concurrency} clients, {rate:0}/s offered)" : $"({Concurrency} clients)";

    public async Task<Measured> RunAsync(TimeSpan duration)
    {
        var port = ServiceProcess.FreePort();
        await using var connector = await ConnectorProcess.StartAsync(HostAssembly, new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "http",
            ["KK_TARGET_URL"] = Receiver.Url,
            ["KK_HTTP_URLS"] = $"http://127.0.0.1:{port}",
        });
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await LoadAsync(client, TimeSpan.FromSeconds(3));
        var cpu = connector.ProcessorTime;
        Receiver.Start();
        await LoadAsync(client, duration);
        return Receiver.Stop() with { ConnectorCpu = connector.ProcessorTime - cpu };
    }

    private async Task LoadAsync(HttpClient client, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var refused = 0;
        var pace = Rate is { } rate ? new Pace(rate) : null;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                if (pace is not null)
                {
                    await pace.WaitAsync();
                }
                using var response = await client.PostAsync("/", new ByteArrayContent(LatencyReceiver.Stamped()));
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        if (refused > 0)
        {
            Console.Error.WriteLine($"  | the http connector refused {refused} payloads");
        }
    }
}
