namespace Klusterkluck.Connectors.Tests.Infrastructure;

/// <summary>The http connector as a real process, with a client for the port it listens on.</summary>
public sealed class HttpConnectorProcess : IAsyncDisposable
{
    private HttpConnectorProcess(ServiceProcess host, int port)
    {
        Host = host;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public ServiceProcess Host { get; }

    public int Port { get; }

    /// <summary>Sends to the connector's own port (the host's health port is <see cref="Host"/>'s).</summary>
    public HttpClient Client { get; }

    public static async Task<HttpConnectorProcess> StartAsync(Receiver receiver, params (string Name, string Value)[] settings)
    {
        var port = ServiceProcess.FreePort();
        var host = await ConnectorHost.StartAsync(ConnectorHost.Environment("http", receiver.Url(), [("KK_HTTP_URLS", $"http://127.0.0.1:{port}"), .. settings]));
        // The host's /health answers before the plugin's own listener is bound: wait for the line
        // that says it listens (a busy CI machine once refused the first request in between).
        if (!await host.WaitForOutputAsync($"klusterkluck-connector listening on http://127.0.0.1:{port}"))
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"the http connector never said it listens on {port}:\n{host.Output}");
        }
        return new HttpConnectorProcess(host, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
