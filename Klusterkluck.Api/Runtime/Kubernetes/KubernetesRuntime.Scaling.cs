using System.Collections.Concurrent;
using System.Diagnostics;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// Scale to zero and autoscaling on concurrency on Kubernetes, decided by the Api and applied
/// through each Deployment's scale subresource: for functions with no minimum or with a target
/// concurrency (<see cref="ApiScales"/>), which are routed through the gateway only. Others keep
/// their Ingress, and a CPU HorizontalPodAutoscaler when they have a maximum.
/// </summary>
public sealed partial class KubernetesRuntime
{
    /// <summary>How often scaled functions are looked at; a look costs no API call unless it decides something.</summary>
    private static readonly TimeSpan s_scaleCheck = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<FunctionId, ScaledFunction> _scaled = new();
    private readonly BackgroundTasks _scaling = new();
    private int _loopStarted;

    /// <summary>The Api, not the cluster, decides this function's replicas.</summary>
    internal static bool ApiScales(FunctionDeployment deployment) =>
        deployment.Replicas == 0 || (deployment.TargetConcurrency is not null && deployment.MaxReplicas > Math.Max(1, deployment.Replicas));

    public bool ScalesToZero => true;

    /// <summary>The pods' memory limit (<c>Kubernetes:Limits:memory</c>), in MiB.</summary>
    public int MemoryLimitMiB { get; } = options.Value.Limits.TryGetValue("memory", out var memory)
        ? (int)(new k8s.Models.ResourceQuantity(memory).ToDecimal() / (1024 * 1024))
        : 0;

    public Task<string?> WakeAsync(FunctionId id, CancellationToken cancellationToken) =>
        _scaled.TryGetValue(id, out var function)
            ? function.WakeAsync(() => ColdStartAsync(function)).WaitAsync(cancellationToken)
            : Task.FromResult<string?>("the function is not deployed");

    public RuntimeScale? ScaleOf(FunctionId id) =>
        _scaled.TryGetValue(id, out var function) ? new RuntimeScale(function.Wanted, function.LastDecision) : null;

    /// <summary>Replicas a deploy of a function the Api scales starts with: those it has now, at least one (a deploy proves the commit serves).</summary>
    private int DeployedReplicas(FunctionDeployment deployment) =>
        Math.Max(1, _scaled.TryGetValue(deployment.Id, out var current) && !current.Asleep ? current.Replicas : deployment.Replicas);

    /// <summary>After a deploy: the Api scales it from now on, or no longer.</summary>
    private void Track(FunctionDeployment deployment, int replicas)
    {
        if (!ApiScales(deployment))
        {
            _scaled.TryRemove(deployment.Id, out _);
            return;
        }
        var function = new ScaledFunction(deployment, replicas);
        function.Decide(replicas, $"deployed {deployment.Commit[..Math.Min(7, deployment.Commit.Length)]}");
        _scaled[deployment.Id] = function;
        if (Interlocked.Exchange(ref _loopStarted, 1) == 0)
        {
            _scaling.Track(ScaleLoopAsync(lifetime.ApplicationStopping));
        }
    }

    /// <summary>One replica for a sleeping function, through the scale subresource; null once it is available, else why not (and back to zero).</summary>
    private async Task<string?> ColdStartAsync(ScaledFunction function)
    {
        var deployment = function.Deployment;
        var ns = TenantObjects.Namespace(Options, deployment.Id.User);
        var clock = Stopwatch.StartNew();
        var stopping = lifetime.ApplicationStopping;
        string? failure;
        try
        {
            await api.ScaleAsync(deployment.Id.Name, ns, 1, stopping);
            function.Replicas = 1;
            var generation = (await api.Deployments.TryReadAsync(deployment.Id.Name, ns, stopping))?.Metadata.Generation ?? 0;
            failure = await WaitForRolloutAsync(deployment, generation, stopping);
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e) || e is DeployException)
        {
            failure = e is DeployException ? e.Message : KubernetesApi.Describe(e);
        }
        metrics.ColdStart(deployment.Id, clock.Elapsed, succeeded: failure is null);
        if (failure is null)
        {
            metrics.Replicas(deployment.Id, 1);
            function.Decide(1, $"a request arrived: started 1 replica in {clock.ElapsedMilliseconds} ms");
            return null;
        }
        // A pod that cannot start keeps nothing running; the next request tries again.
        await TryScaleAsync(function, 0);
        function.Decide(0, $"cold start failed: {failure}");
        LogColdStartFailed(logger, deployment.Id.ToString(), failure);
        return failure;
    }

    private async Task ScaleLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(s_scaleCheck);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                foreach (var function in _scaled.Values)
                {
                    Autoscale(function);
                    if (function.TrySleep())
                    {
                        _scaling.Track(SleepAsync(function));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SleepAsync(ScaledFunction function)
    {
        var deployment = function.Deployment;
        var before = function.Replicas;
        if (await TryScaleAsync(function, 0))
        {
            metrics.Replicas(deployment.Id, -before);
            function.Decide(0, $"no request for {deployment.IdleTimeout.TotalSeconds:0} s: scaled to zero");
        }
        else
        {
            function.Awaken();
        }
    }

    /// <summary>Autoscaling on concurrency, as the local runtime's: the gateway's count of requests in flight against the target.</summary>
    private void Autoscale(ScaledFunction function)
    {
        if (Scaling.Autoscaler.Tick(function, scaling.Value) is { } decision)
        {
            var (wanted, reason) = decision;
            function.Changing = true;
            _scaling.Track(ChangeAsync(function, function.Replicas, wanted, reason));
        }
    }

    private async Task ChangeAsync(ScaledFunction function, int from, int to, string reason)
    {
        try
        {
            if (await TryScaleAsync(function, to))
            {
                metrics.Replicas(function.Deployment.Id, to - from);
                function.Decide(to, reason);
                LogScaled(logger, function.Deployment.Id.ToString(), from, to, reason);
            }
        }
        finally
        {
            function.Changing = false;
        }
    }

    /// <summary>Sets the replicas through the scale subresource; false (logged) when the API server refused or did not answer.</summary>
    private async Task<bool> TryScaleAsync(ScaledFunction function, int replicas)
    {
        var id = function.Deployment.Id;
        try
        {
            await api.ScaleAsync(id.Name, TenantObjects.Namespace(Options, id.User), replicas, lifetime.ApplicationStopping);
            function.Replicas = replicas;
            return true;
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e) || e is OperationCanceledException)
        {
            LogScaleFailed(logger, id.ToString(), replicas, KubernetesApi.Describe(e));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: {From} → {To} replicas ({Reason})")]
    private static partial void LogScaled(ILogger logger, string function, int from, int to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} could not be scaled to {Replicas}: {Reason}")]
    private static partial void LogScaleFailed(ILogger logger, string function, int replicas, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} did not start from zero: {Reason}")]
    private static partial void LogColdStartFailed(ILogger logger, string function, string reason);
}
