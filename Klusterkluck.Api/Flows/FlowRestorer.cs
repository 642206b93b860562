using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// At start, every deployed flow's connectors are brought back as the store says (the local
/// runtime's processes ended with the last Api; in a cluster, applying again is harmless).
/// </summary>
public sealed partial class FlowRestorer(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<FlowRestorer> logger) : IHostedService
{
    private readonly Hosting.BackgroundTasks _running = new();
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // After the server listens: the connectors' target URL is the Api's own address.
        lifetime.ApplicationStarted.Register(() => _running.Track(RestoreAsync()));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WhenAll();
    }

    private async Task RestoreAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
            var connectors = scope.ServiceProvider.GetRequiredService<FlowConnectors>();
            var flows = await store.Flows.AsNoTracking().Where(f => f.DeploymentId != null).ToListAsync(_stopping.Token);
            foreach (var flow in flows)
            {
                var definition = await store.FlowDeployments.AsNoTracking().Where(d => d.Id == flow.DeploymentId)
                    .Select(d => d.Definition).SingleAsync(_stopping.Token);
                await connectors.ApplyAsync(flow, null, FlowDefinition.FromJson(definition), _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogRestoreFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Flow connectors could not all be restored")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);
}
