using Klusterkluck.Connectors.Outbox;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.Connectors.Hosting;

/// <summary>
/// Runs the selected connector and the delivery lanes beside it. On shutdown the connector
/// stops taking events first; the lanes then get <see cref="DeliveryOptions.DrainTimeout"/>
/// (counted from the stop signal) to deliver what is buffered, and what is left is abandoned,
/// one log line per payload, never silently.
/// </summary>
internal sealed partial class ConnectorService(
    ConnectorSelection selection,
    DeliveryQueue queue,
    Deliverer deliverer,
    ILoggerFactory loggers,
    IHostApplicationLifetime lifetime,
    ILogger<ConnectorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = selection.Delivery;
        using var abandon = new CancellationTokenSource();
        var lanes = queue.Readers.Select(lane => Task.Run(() => deliverer.RunAsync(lane, abandon.Token), CancellationToken.None)).ToArray();
        using var deadline = stoppingToken.Register(() => abandon.CancelAfter(options.DrainTimeout));

        Started(logger, selection.Connector.Name, options.TargetUrl);
        try
        {
            await selection.Connector.RunAsync(new ConnectorContext(selection.Settings, queue, loggers), stoppingToken);
            if (!stoppingToken.IsCancellationRequested)
            {
                EndedEarly(logger, selection.Connector.Name);
                Environment.ExitCode = 1;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The reason is what an operator acts on (a server down, a stream missing); the
            // stack trace only helps the plugin's author.
            Failed(logger, selection.Connector.Name, e.GetType().Name, e.Message);
            FailedDetail(logger, e);
            Environment.ExitCode = 1;
        }

        queue.Close();
        if (!stoppingToken.IsCancellationRequested)
        {
            // The connector ended by itself: the same grace as a stop, counted from now.
            abandon.CancelAfter(options.DrainTimeout);
        }
        await Task.WhenAll(lanes);
        // Unregistered first: stopping the application fires stoppingToken, and the callback must
        // not touch the deadline's source once this method has disposed it.
        await deadline.DisposeAsync();
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Connector {Connector} delivers to {Target}")]
    private static partial void Started(ILogger logger, string connector, Uri target);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Connector {Connector} stopped by itself; the host exits so that it is restarted")]
    private static partial void EndedEarly(ILogger logger, string connector);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Connector {Connector} failed ({Error}: {Reason}); the host exits so that it is restarted")]
    private static partial void Failed(ILogger logger, string connector, string error, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "The connector's failure in full")]
    private static partial void FailedDetail(ILogger logger, Exception exception);
}
