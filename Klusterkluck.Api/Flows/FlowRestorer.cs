using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// At start, every deployed flow's connectors are brought back as the store says (the local
/// runtime's processes ended with the last Api; in a cluster, applying again is harmless).
/// </summary>
public sealed partial class FlowRestorer(IServiceScopeFactory scopes, FlowLocks locks, IHostApplicationLifetime lifetime, ILogger<FlowRestorer> logger)
    : IHostedService
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

    /// <summary>Each flow under its lock and read again (requests are served meanwhile); one flow failing does not keep the others down.</summary>
    private async Task RestoreAsync()
    {
        List<(string Owner, string Name)> deployed;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            deployed = await scope.ServiceProvider.GetRequiredService<StoreContext>().Flows.AsNoTracking()
                .Where(f => f.DeploymentId != null).Select(f => new ValueTuple<string, string>(f.Owner, f.Name)).ToListAsync(_stopping.Token);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            LogRestoreFailed(logger, "every flow", e);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        foreach (var (owner, name) in deployed)
        {
            try
            {
                using var _ = await locks.AcquireAsync((owner, name), _stopping.Token);
                await using var scope = scopes.CreateAsyncScope();
                var flows = scope.ServiceProvider.GetRequiredService<FlowService>();
                if (await flows.FindAsync(owner, name, _stopping.Token) is { } flow && await flows.DeployedDefinitionAsync(flow, _stopping.Token) is { } definition)
                {
                    await scope.ServiceProvider.GetRequiredService<FlowConnectors>().ApplyAsync(flow, null, definition, _stopping.Token);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRestoreFailed(logger, $"{owner}/{name}", e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The connectors of {Flow} could not be restored")]
    private static partial void LogRestoreFailed(ILogger logger, string flow, Exception exception);
}
