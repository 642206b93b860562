using Klusterkluck.Connectors.Outbox;

namespace Klusterkluck.Connectors.Hosting;

internal static class ConnectorExtensions
{
    /// <summary>The selected connector, its delivery to the target, and a shutdown long enough to drain.</summary>
    public static WebApplicationBuilder AddConnector(this WebApplicationBuilder builder, ConnectorSelection selection)
    {
        var options = selection.Delivery;
        builder.Services.AddSingleton(selection);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<DeliveryQueue>();
        builder.Services.AddSingleton<Deliverer>();
        builder.Services.AddSingleton<DeliveryMetrics>();
        // The host retries by itself, in order and with dead-lettering: the standard resilience
        // handler of the service defaults would retry behind its back and break both. Removing it
        // is the documented way, though still marked for evaluation (EXTEXP0001). The factory's
        // per-request log handlers cost about a third of the connector's CPU per payload
        // (bench/connectors); the host logs failed attempts itself.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<TargetClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            // A redirect would turn the POST into a body-less GET that "succeeds": a 3xx is the
            // target refusing the payload, and is dead-lettered as such.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers();
#pragma warning restore EXTEXP0001
        builder.Services.AddHostedService<ConnectorService>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(5));
        return builder;
    }
}
