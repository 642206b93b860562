using NATS.Client.Core;

namespace Klusterkluck.Connectors.Tests.Infrastructure;

/// <summary>A real nats-server per test class, with a connection for the tests to publish on.</summary>
public sealed class NatsServer : IAsyncLifetime
{
    private NatsServerProcess? _server;

    public string Url => _server!.Url;

    public NatsConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await NatsServerProcess.StartAsync();
        Connection = new NatsConnection(NatsOpts.Default with { Url = Url, Name = "tests" });
        await Connection.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
