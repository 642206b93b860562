using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// The embedded runtime: one worker process per replica on a free loopback port. What runs here
/// lives only as long as the Api; the store's deployed commits bring it back after a restart.
/// </summary>
internal sealed partial class LocalRuntime(
    WorkerLauncher launcher, FunctionHttp http, IOptions<LocalRuntimeOptions> options, IOptions<Connectors.ConnectorHostOptions> connectorHost,
    Sandbox.FunctionSandbox sandbox, ScaleMetrics metrics, IOptions<Scaling.ScalingOptions> scaling, Pool.WarmPool pool,
    ILogger<LocalRuntime> logger) : IRuntime, IHostedService
{
    /// <summary>How often idle functions with no minimum are looked for; their timeout is at least a second.</summary>
    private static readonly TimeSpan s_idleCheck = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stopping = new();
    private Task _idleLoop = Task.CompletedTask;

    private readonly ConcurrentDictionary<FunctionId, LocalFunction> _functions = new();
    private readonly ConcurrentDictionary<ConnectorId, LocalConnector> _connectors = new();

    /// <summary>One change at a time per connector: a replaced one drains before its successor starts.</summary>
    private readonly KeyedLocks<ConnectorId> _connectorLocks = new();

    private volatile bool _stopped;
    private readonly BackgroundTasks _retiring = new();

    /// <summary>Local workers need nothing per user.</summary>
    public Task PrepareTenantAsync(string user, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task DeployAsync(FunctionDeployment deployment, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LocalFunction function;
        lock (_functions)
        {
            // Unsandboxed, any function could read every tenant's data: one user's only, unless the operator accepted it.
            if (!sandbox.AdmitsSeveralUsers && _functions.Keys.FirstOrDefault(f => f.User != deployment.Id.User) is { } other)
            {
                throw new DeployException(
                    $"this machine runs functions unsandboxed ({sandbox.Unavailable}), so for one user only, and {other.User}'s run already; "
                    + $"the operator can install bubblewrap or set {Sandbox.SandboxOptions.Section}:AcceptUnsandboxed=true");
            }
            function = _functions.GetOrAdd(deployment.Id, _ => new LocalFunction());
        }
        await function.Gate.WaitAsync(cancellationToken);
        try
        {
            if (function.Removed)
            {
                throw new DeployException("the function was deleted");
            }
            if (deployment.Replicas == 0)
            {
                // Its cold starts will want a warm worker of its kind.
                pool.Want(deployment.Kind);
            }
            var revision = new Revision(deployment, i => new WorkerReplica(i, deployment, launcher, http, options.Value, logger, pool), metrics);
            function.Starting = revision;
            try
            {
                await revision.StartAsync(cancellationToken);
            }
            catch (DeployException)
            {
                function.Failed = revision;
                throw;
            }
            finally
            {
                function.Starting = null;
            }
            var previous = function.Serving;
            function.Serving = revision;
            function.Failed = null;
            if (previous is not null)
            {
                _retiring.Track(previous.RetireAsync(options.Value.DrainTimeout));
            }
        }
        finally
        {
            function.Gate.Release();
        }
    }

    public async Task RemoveAsync(FunctionId id, CancellationToken cancellationToken)
    {
        if (!_functions.TryRemove(id, out var function))
        {
            return;
        }
        await function.Gate.WaitAsync(cancellationToken);
        try
        {
            function.Removed = true;
            var serving = function.Serving;
            function.Serving = null;
            if (serving is not null)
            {
                await serving.RetireAsync(TimeSpan.Zero);
            }
        }
        finally
        {
            function.Gate.Release();
        }
    }

    public RouteLease Route(FunctionId id) => _functions.TryGetValue(id, out var function) ? function.Route() : RouteLease.Unknown;

    public bool ScalesToZero => true;

    public int MemoryLimitMiB => sandbox.MemoryMiB;

    public Task<string?> WakeAsync(FunctionId id, CancellationToken cancellationToken) =>
        _functions.TryGetValue(id, out var function) ? function.WakeAsync().WaitAsync(cancellationToken) : Task.FromResult<string?>("the function is not deployed");

    public RuntimeScale? ScaleOf(FunctionId id) =>
        _functions.TryGetValue(id, out var function) && function.Serving is { } revision ? new RuntimeScale(revision.Wanted, revision.LastDecision) : null;

    public Task<IReadOnlyList<ReplicaStatus>> ReplicasAsync(FunctionId id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReplicaStatus>>(_functions.TryGetValue(id, out var function)
            ? [.. function.Running()
                .SelectMany(rev => rev.Replicas.Select(r => new ReplicaStatus(r.Index, rev.Commit, r.State, r.Restarts, r.ProcessId)))]
            : []);

    public Task<IReadOnlyList<ReplicaLog>> LogsAsync(FunctionId id, int lines, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReplicaLog>>(_functions.TryGetValue(id, out var function)
            ? [.. function.Revisions().SelectMany(rev => rev.Replicas.Select(r =>
                new ReplicaLog(r.Index, rev.Commit, r.State, r.Log.Snapshot().TakeLast(lines).ToList())))]
            : []);

    public async Task DeployConnectorAsync(ConnectorDeployment deployment, CancellationToken cancellationToken)
    {
        using var turn = await _connectorLocks.AcquireAsync(deployment.Id, cancellationToken);
        ObjectDisposedException.ThrowIf(_stopped, this);
        var port = 0;
        if (_connectors.TryGetValue(deployment.Id, out var running))
        {
            if (running.Deployment.Revision == deployment.Revision && running.State != "failed")
            {
                return;
            }
            _connectors.TryRemove(deployment.Id, out _);
            await running.StopAsync();
            // Its successor asks for the same port, so the node's address survives a redeploy.
            port = running.Port;
        }
        var connector = new LocalConnector(deployment, connectorHost.Value.ResolvedHostAssembly, options.Value, logger, port);
        connector.Start();
        _connectors[deployment.Id] = connector;
    }

    public async Task RemoveConnectorAsync(ConnectorId id, CancellationToken cancellationToken)
    {
        using var turn = await _connectorLocks.AcquireAsync(id, cancellationToken);
        if (_connectors.TryRemove(id, out var connector))
        {
            await connector.StopAsync();
        }
    }

    /// <summary>Read without any lock: a connector being replaced (its drain may take a while) shows as it is.</summary>
    public Task<IReadOnlyList<ConnectorStatus>> ConnectorsAsync(string user, string flow, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConnectorStatus>>([.. _connectors.Values
            .Where(c => c.Deployment.Id.User == user && c.Deployment.Id.Flow == flow)
            .OrderBy(c => c.Deployment.Id.Node, StringComparer.Ordinal)
            .Select(c => new ConnectorStatus(c.Deployment.Id.Node, c.Deployment.Revision, c.State, c.Restarts, c.ProcessId, c.Error, Url: c.Url))]);

    /// <summary>The connector's lines across its restarts, so that a crash's cause stays readable after the next start.</summary>
    public Task<IReadOnlyList<string>?> ConnectorLogAsync(ConnectorId id, int lines, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(_connectors.TryGetValue(id, out var connector)
            ? [.. connector.Log.Snapshot().TakeLast(lines).Select(l => l.Text)]
            : null);

    /// <summary>Says which isolation functions get, once, before any of them runs; starts looking for idle functions.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogIsolation(logger, sandbox.InForce ? LogLevel.Information : LogLevel.Warning, sandbox.Describe());
        _idleLoop = SleepIdleAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Each tick: samples the concurrency of functions that autoscale and applies the policy's
    /// decision, and puts to sleep the serving revisions of functions with no minimum that had no
    /// request for their idle timeout.
    /// </summary>
    private async Task SleepIdleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_idleCheck);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var function in _functions.Values)
                {
                    if (function.Serving is not { } revision)
                    {
                        continue;
                    }
                    Autoscale(revision);
                    if (revision.Deployment.Replicas == 0 && await revision.SleepIfIdleAsync())
                    {
                        LogSlept(logger, revision.Deployment.Id.ToString(), revision.Deployment.IdleTimeout.TotalSeconds);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Autoscaling on concurrency, between the function's minimum (at least one while awake) and its maximum.</summary>
    private void Autoscale(Revision revision)
    {
        if (Scaling.Autoscaler.Tick(revision, scaling.Value) is { } decision)
        {
            var (wanted, reason) = decision;
            LogScaled(logger, revision.Deployment.Id.ToString(), revision.Current, wanted, reason);
            _retiring.Track(revision.ScaleToAsync(wanted, reason, options.Value.DrainTimeout));
        }
    }

    /// <summary>Stops every worker (the warm pool's too) and connector when the Api stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _idleLoop;
        var stops = _functions.Values.SelectMany(f => f.Running()).Select(r => r.StopAsync());
        _stopped = true;
        var connectors = _connectors.Values.Select(c => c.StopAsync()).ToList();
        _connectors.Clear();
        await Task.WhenAll([.. stops, .. connectors, _retiring.WhenAll(), pool.DisposeAsync().AsTask()]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: {From} → {To} replicas ({Reason})")]
    private static partial void LogScaled(ILogger logger, string function, int from, int to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function} had no request for {Seconds} s: scaled to zero")]
    private static partial void LogSlept(ILogger logger, string function, double seconds);

    [LoggerMessage(Message = "{Isolation}")]
    private static partial void LogIsolation(ILogger logger, LogLevel level, string isolation);
}
