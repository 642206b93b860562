using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// Runs flow steps: claims due steps from the store, shared fairly between owners and their flows
/// (<see cref="StepClaims"/>; several replicas share the work without running a step twice at
/// once), calls their functions, and records each outcome with what
/// follows from it. Retries back off exponentially; the last failure dead-letters the step.
/// </summary>
public sealed partial class FlowEngine(
    IServiceScopeFactory scopes, FlowTransactions transactions, StepClaims claims, DeploymentCache deployments, EngineSignal signal, StepInvoker invoker,
    IOptions<FlowOptions> options, IHostApplicationLifetime lifetime, ILogger<FlowEngine> logger) : BackgroundService
{
    private static readonly TimeSpan s_waitForReplica = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_cleanupInterval = TimeSpan.FromMinutes(10);

    private FlowOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the server listens and the function deployer has begun bringing workers back.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        var slots = new SemaphoreSlim(Options.Concurrency, Options.Concurrency);
        var running = new Hosting.BackgroundTasks();
        var nextCleanup = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var free = slots.CurrentCount;
                var claimed = free > 0 ? await ClaimAsync(free, stoppingToken) : [];
                foreach (var step in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    running.Track(RunAsync(step, stoppingToken).ContinueWith(_ =>
                    {
                        slots.Release();
                        signal.Pulse();
                    }, TaskScheduler.Default));
                }
                if (DateTime.UtcNow >= nextCleanup)
                {
                    nextCleanup = DateTime.UtcNow + s_cleanupInterval;
                    await CleanupAsync(stoppingToken);
                }
                if (free == 0 || claimed.Count < free)
                {
                    await signal.WaitAsync(Options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The store is unreachable, say: keep trying, at the poll's pace.
                LogLoopFailed(logger, e);
                await Task.Delay(Options.PollInterval, CancellationToken.None);
            }
        }
        await running.WhenAll();
    }

    private async Task<List<FlowStep>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await claims.ClaimAsync(scope.ServiceProvider.GetRequiredService<StoreContext>(), max, Options.StepLease, cancellationToken);
    }

    private async Task RunAsync(FlowStep step, CancellationToken stoppingToken)
    {
        try
        {
            if (await deployments.GetAsync(step.DeploymentId, stoppingToken) is not { } deployment)
            {
                return;
            }
            var node = deployment.Graph.Nodes[step.NodeId];
            if (step.Attempts > AttemptsOf(node))
            {
                // Claimed once more than it may be tried: an earlier attempt ran but its outcome was
                // never recorded (this replica died, or the store refused the result). Give up on it.
                await RecordAsync(step, deployment, node, new StepResult(StepOutcome.Refused,
                    $"no outcome could be recorded for its last attempt; the last error: {step.Error ?? "none"}"), stoppingToken);
                return;
            }
            using var span = FlowTelemetry.StartStep(step, deployment, node);
            StepResult result;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                var renewal = RenewAsync(step, renewing.Token);
                result = await invoker.InvokeAsync(deployment, node, step, stoppingToken);
                await renewing.CancelAsync();
                await renewal;
            }
            span?.SetTag("klusterkluck.flow.outcome", result.Outcome.ToString());
            if (result.Outcome is StepOutcome.Failed or StepOutcome.Refused)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, result.Error);
            }
            await RecordAsync(step, deployment, node, result, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseAsync(step);
        }
        catch (Exception e)
        {
            // The claim runs out and the step is tried again, here or elsewhere.
            LogStepFailed(logger, e, step.Id);
        }
    }

    private async Task RecordAsync(FlowStep step, LiveDeployment deployment, FlowNode node, StepResult result, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorder = scope.ServiceProvider.GetRequiredService<StepRecorder>();
        var attempts = AttemptsOf(node);
        if (result.Outcome == StepOutcome.NotServing && DateTime.UtcNow - step.CreatedAt > Options.StepTimeout)
        {
            // Waited a whole step's time for a replica (a deploy that failed, a crash loop): now it counts.
            result = result with { Outcome = StepOutcome.Failed, Error = $"{result.Error} for {Options.StepTimeout}" };
        }
        switch (result.Outcome)
        {
            case StepOutcome.Succeeded:
                await recorder.SucceededAsync(step, deployment.Graph, result.Output!, result.OutputType, cancellationToken);
                break;
            case StepOutcome.NotServing:
                // A released or retried step wakes the engine when it is due again (StepClaims.Noticed).
                await recorder.ReleaseAsync(step, result.Error, DateTime.UtcNow + s_waitForReplica, cancellationToken);
                break;
            case StepOutcome.Failed when step.Attempts < attempts:
                await recorder.RetryAsync(step, $"attempt {step.Attempts} of {attempts}: {result.Error}", DateTime.UtcNow + Backoff(step.Attempts),
                    cancellationToken);
                break;
            case StepOutcome.Failed:
                await recorder.DeadLetteredAsync(step, deployment.Graph, $"dead-lettered after {step.Attempts} attempts; the last: {result.Error}", cancellationToken);
                break;
            default:
                await recorder.DeadLetteredAsync(step, deployment.Graph, $"dead-lettered: {result.Error}", cancellationToken);
                break;
        }
    }

    private int AttemptsOf(FlowNode node) =>
        node.Config?.TryGetValue("attempts", out var configured) == true ? configured.GetInt32() : Options.Attempts;

    /// <summary>Keeps the claim alive while the function runs, so no other replica takes the step over.</summary>
    private async Task RenewAsync(FlowStep step, CancellationToken cancellationToken)
    {
        var every = Options.StepLease / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, cancellationToken);
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if (!await scope.ServiceProvider.GetRequiredService<StepRecorder>().RenewAsync(step, DateTime.UtcNow + Options.StepLease, cancellationToken))
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A blip of the store: try again at the next turn, while the claim still holds.
                    LogRenewFailed(logger, step.Id, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stopping: the step goes back to pending at once, without counting the attempt, for whoever runs next.</summary>
    private async Task ReleaseAsync(FlowStep step)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<StepRecorder>().ReleaseAsync(step, null, DateTime.UtcNow, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogStepFailed(logger, e, step.Id);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = Options.RetryBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, Options.RetryBackoffMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private async Task CleanupAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        var before = DateTime.UtcNow - Options.RunRetention;
        using (await transactions.EnterAsync(cancellationToken))
        {
            await store.FlowRuns.Where(r => r.FinishedAt < before).ExecuteDeleteAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The claim on flow step {Step} could not be renewed: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, Guid step, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The flow engine's loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flow step {Step} failed unexpectedly; it runs again when its claim runs out")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, Guid step);
}
