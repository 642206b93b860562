using System.Collections.Concurrent;
using Klusterkluck.Api.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// Runs deploys in the background, one at a time per function, and records how each ends in the
/// store. At start it brings every function back to its deployed commit: the store, not the
/// runtime's memory, says what runs.
/// </summary>
public sealed partial class FunctionDeployer(
    IRuntime runtime, BuildService builds, IServiceScopeFactory scopes, FunctionLocks locks, Git.Repositories repositories, IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Options.IOptions<Limits.LimitsOptions> limits, ILogger<FunctionDeployer> logger) : IHostedService
{
    private readonly ConcurrentDictionary<FunctionId, CancellationTokenSource> _cancellations = new();
    private readonly ConcurrentDictionary<FunctionId, SemaphoreSlim> _gates = new();
    private readonly BackgroundTasks _running = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts a deploy; the function's row says when it is ready or why it failed. The task ends when that is recorded.</summary>
    public Task Start(FunctionDeployment deployment)
    {
        // Every deploy, a restored one too, gives its workers the limits configured now.
        var running = RunAsync(deployment with { Limits = limits.Value.Workers });
        _running.Track(running);
        return running;
    }

    /// <summary>Abandons the function's deploys in progress or waiting (it is being deleted).</summary>
    public async Task CancelAsync(FunctionId id)
    {
        _gates.TryRemove(id, out _);
        if (_cancellations.TryRemove(id, out var cancellation))
        {
            await cancellation.CancelAsync();
            cancellation.Dispose();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // After the server listens: workers ask the Api's discovery document for its keys.
        lifetime.ApplicationStarted.Register(() => _running.Track(RestoreAsync()));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WhenAll();
    }

    private async Task RunAsync(FunctionDeployment deployment)
    {
        var cancellation = _cancellations.GetOrAdd(deployment.Id, _ => CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token)).Token;
        var gate = _gates.GetOrAdd(deployment.Id, _ => new SemaphoreSlim(1, 1));
        try
        {
            await gate.WaitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            string? error = null;
            using var span = Hosting.ApiTelemetry.Start(Hosting.ApiTelemetry.Runtime, $"deploy {deployment.Id}", deployment.Id.User, deployment.Id.Name,
                deployment.Commit);
            try
            {
                // The commit's build first, once per commit: the serving revision stays while it runs and when it fails.
                var artifact = await builds.EnsureAsync(deployment.Id, deployment.Commit,
                    () => MarkAsync(deployment, DeployStatus.Deploying, DeployStatus.Building, cancellation), cancellation);
                if (artifact is not null)
                {
                    await MarkAsync(deployment, DeployStatus.Building, DeployStatus.Deploying, cancellation);
                }
                await runtime.DeployAsync(deployment with { Artifact = artifact }, cancellation);
            }
            catch (DeployException e)
            {
                error = e.Message;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDeployCrashed(logger, e, deployment.Id.ToString());
                error = "the deploy failed unexpectedly; the Api's log has the details";
            }
            span?.SetTag("klusterkluck.deploy.outcome", error is null ? "ready" : "failed");
            if (error is not null)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error);
            }
            await RecordAsync(deployment, error, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogDeployCrashed(logger, e, deployment.Id.ToString());
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The deploy's status moves on (deploying → building → deploying), unless a newer deploy owns it by now.</summary>
    private Task MarkAsync(FunctionDeployment deployment, DeployStatus from, DeployStatus to, CancellationToken cancellation) =>
        ChangeAsync(deployment.Id, function =>
        {
            if (function.TargetCommit != deployment.Commit || function.Status != from)
            {
                return false;
            }
            function.Status = to;
            return true;
        }, cancellation);

    private async Task RecordAsync(FunctionDeployment deployment, string? error, CancellationToken cancellation)
    {
        var recorded = await ChangeAsync(deployment.Id, function =>
        {
            if (error is null)
            {
                // What a rollback most likely wants stays built: the commit that served until now.
                builds.Prune(deployment.Id, deployment.Commit, function.DeployedCommit, function.TargetCommit);
                function.DeployedCommit = deployment.Commit;
            }
            // A newer deploy waiting behind this one owns the status.
            if (function.TargetCommit == deployment.Commit)
            {
                function.Status = error is null ? DeployStatus.Ready : DeployStatus.Failed;
                function.Error = Function.Clip(error);
            }
            return true;
        }, cancellation);
        if (recorded)
        {
            LogDeployed(logger, deployment.Id.ToString(), deployment.Commit[..Math.Min(12, deployment.Commit.Length)], error ?? "ready");
        }
    }

    /// <summary>
    /// Changes the function's row as it is now, under the function's lock: a deploy requested
    /// meanwhile must not have its status overwritten. False when the function is gone or
    /// <paramref name="change"/> changed nothing.
    /// </summary>
    private async Task<bool> ChangeAsync(FunctionId id, Func<Function, bool> change, CancellationToken cancellation)
    {
        using var _ = await locks.AcquireAsync(id, cancellation);
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        if (await store.Functions.FindAsync([id.User, id.Name]) is not { } function || !change(function))
        {
            return false;
        }
        function.UpdatedAt = DateTime.UtcNow;
        await store.SaveChangesAsync();
        return true;
    }

    /// <summary>
    /// Every function back at its deployed commit, then any deploy the last run did not finish; a
    /// create that stopped before its first commit is undone. Each under the function's lock and
    /// read again: requests are already being served while this runs.
    /// </summary>
    private async Task RestoreAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        var functions = await store.Functions.ToListAsync(_stopping.Token);
        foreach (var function in functions)
        {
            var id = new FunctionId(function.Owner, function.Name);
            using var held = await locks.AcquireAsync(id, _stopping.Token);
            await store.Entry(function).ReloadAsync(_stopping.Token);
            if (store.Entry(function).State == EntityState.Detached)
            {
                continue;
            }
            if (function.TargetCommit.Length == 0)
            {
                store.Functions.Remove(function);
                await store.SaveChangesAsync(_stopping.Token);
                repositories.Delete(function.Owner, function.Name);
                continue;
            }
            if (function.DeployedCommit is { } deployed)
            {
                _ = Start(function.DeploymentAt(deployed));
            }
            if (function.Status is DeployStatus.Deploying or DeployStatus.Building && function.TargetCommit != function.DeployedCommit)
            {
                _ = Start(function.DeploymentAt(function.TargetCommit));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deploy of {Function} at {Commit}: {Outcome}")]
    private static partial void LogDeployed(ILogger logger, string function, string commit, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deploy of {Function} failed unexpectedly")]
    private static partial void LogDeployCrashed(ILogger logger, Exception exception, string function);
}
