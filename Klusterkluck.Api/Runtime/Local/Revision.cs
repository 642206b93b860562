using System.Diagnostics;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// A function's replicas at one commit. Requests are spread round-robin over the ready ones and
/// counted while in flight, so that a revision replaced by a newer one stops only once it is idle.
/// A revision of a function with no minimum goes to sleep (no replica) when idle for its timeout,
/// and the next request wakes it: one start for every request that arrives meanwhile.
/// </summary>
internal sealed class Revision(FunctionDeployment deployment, Func<int, WorkerReplica> create, ScaleMetrics metrics) : IInFlight, Scaling.IAutoscaled
{
    private int _nextIndex;
    private int _starting;

    private readonly Lock _gate = new();
    private volatile WorkerReplica[] _replicas = [];
    private int _cursor;
    private int _inFlight;
    private int _retired;

    /// <summary>1 while asleep (or going to sleep): a lease then wakes it instead of taking a replica being stopped.</summary>
    private int _sleeping;

    private long _lastActive = Environment.TickCount64;
    private Task<string?>? _waking;

    public string Commit => deployment.Commit;

    public FunctionDeployment Deployment => deployment;

    public IReadOnlyList<WorkerReplica> Replicas => _replicas;

    /// <summary>Replicas wanted now: none while asleep, else as many as run or start.</summary>
    public int Wanted => Volatile.Read(ref _sleeping) == 1 && _waking is null ? 0 : Math.Max(_replicas.Length + Volatile.Read(ref _starting), 1);

    /// <summary>Requests in flight on the revision now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Replicas in the rotation now.</summary>
    public int Current => _replicas.Length;

    /// <summary>What autoscaling on concurrency remembers between its ticks.</summary>
    public Scaling.ConcurrencyWindow? Window { get; set; }

    public Scaling.ScaleState ScaleState { get; set; }

    /// <summary>Awake and not already adding or removing replicas: autoscaling may decide.</summary>
    public bool Settled => Volatile.Read(ref _sleeping) == 0 && _waking is null && Volatile.Read(ref _starting) == 0 && Volatile.Read(ref _retired) == 0;

    public ScaleDecision? LastDecision { get; private set; }

    /// <summary>Starts the deploy's replicas (at least one: a deploy proves the commit serves); if one does not get ready, all are stopped and its reason thrown.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = Math.Max(1, deployment.Replicas);
        try
        {
            _replicas = await StartReplicasAsync(count, cancellationToken);
        }
        catch (FailedStart failed)
        {
            // Kept, stopped, so that the logs of a deploy that never got ready say why.
            _replicas = failed.Replicas;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Reason);
            throw;
        }
        Decide(count, $"deployed {Short(deployment.Commit)}");
    }

    /// <summary>A lease on a ready replica; false only once this revision was retired (the caller asks the new one).</summary>
    public bool TryLease(out RouteLease lease)
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _retired) == 1)
        {
            Interlocked.Decrement(ref _inFlight);
            lease = default;
            return false;
        }
        if (Volatile.Read(ref _sleeping) == 1)
        {
            Interlocked.Decrement(ref _inFlight);
            lease = RouteLease.Sleeping;
            return true;
        }
        var replicas = _replicas;
        var start = (uint)Interlocked.Increment(ref _cursor);
        for (var i = 0; i < replicas.Length; i++)
        {
            var replica = replicas[(int)((start + (uint)i) % (uint)replicas.Length)];
            if (replica.Address is { } address)
            {
                replica.Enter();
                lease = new RouteLease(true, address, replica);
                return true;
            }
        }
        Interlocked.Decrement(ref _inFlight);
        lease = new RouteLease(true, null, null);
        return true;
    }

    /// <summary>A request's end: idleness counts from the last one (one in flight keeps the revision awake).</summary>
    public void Exit()
    {
        Volatile.Write(ref _lastActive, Environment.TickCount64);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>
    /// Puts the revision to sleep when it has no minimum, nothing in flight and no request for its
    /// idle timeout: its replicas stop. True when it did.
    /// </summary>
    public async Task<bool> SleepIfIdleAsync()
    {
        WorkerReplica[] stopping;
        lock (_gate)
        {
            var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastActive));
            if (deployment.Replicas > 0 || _waking is not null || Volatile.Read(ref _retired) == 1 || _replicas.Length == 0
                || idle < deployment.IdleTimeout || Volatile.Read(ref _inFlight) > 0)
            {
                return false;
            }
            // Sleeping first, then a second look at what is in flight: a lease either saw the flag
            // (and wakes the revision) or is counted here (and the revision stays awake).
            Interlocked.Exchange(ref _sleeping, 1);
            if (Volatile.Read(ref _inFlight) > 0)
            {
                Interlocked.Exchange(ref _sleeping, 0);
                return false;
            }
            stopping = _replicas;
            _replicas = [];
            Decide(0, $"no request for {deployment.IdleTimeout.TotalSeconds:0} s: scaled to zero");
        }
        await StopReplicasAsync(stopping);
        return true;
    }

    /// <summary>Starts one replica of a sleeping revision, or joins the start under way. Null once it serves; else why not.</summary>
    public Task<string?> WakeAsync()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _sleeping) == 0)
            {
                return Task.FromResult<string?>(null);
            }
            if (Volatile.Read(ref _retired) == 1)
            {
                return Task.FromResult<string?>("the function was redeployed or removed meanwhile");
            }
            return _waking ??= ColdStartAsync();
        }
    }

    private async Task<string?> ColdStartAsync()
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        try
        {
            var started = await StartReplicasAsync(1, CancellationToken.None, fromPool: true);
            lock (_gate)
            {
                _replicas = started;
                Volatile.Write(ref _lastActive, Environment.TickCount64);
                Interlocked.Exchange(ref _sleeping, 0);
                _waking = null;
                var pooled = started[0].Pooled ? ", a warm one from the pool" : "";
                Decide(1, $"a request arrived: started 1 replica in {clock.ElapsedMilliseconds} ms{pooled}");
            }
            metrics.ColdStart(deployment.Id, clock.Elapsed, succeeded: true);
            return null;
        }
        catch (FailedStart e)
        {
            var reason = e.Reason is DeployException ? e.Reason.Message : "the start was cancelled";
            lock (_gate)
            {
                // Still asleep: the next request tries again.
                _waking = null;
                Decide(0, $"cold start failed: {reason}");
            }
            metrics.ColdStart(deployment.Id, clock.Elapsed, succeeded: false);
            return reason;
        }
    }

    /// <summary>
    /// Autoscaling's change: starts replicas up to <paramref name="wanted"/> (they take requests once
    /// ready), or takes the newest out of the rotation down to it and stops each once its requests
    /// are done. One change at a time (<see cref="Settled"/>).
    /// </summary>
    public async Task ScaleToAsync(int wanted, string reason, TimeSpan drainTimeout)
    {
        WorkerReplica[] removed = [];
        int adding;
        lock (_gate)
        {
            var current = _replicas.Length;
            if (!Settled || wanted == current || wanted < 1)
            {
                return;
            }
            adding = Math.Max(0, wanted - current);
            if (wanted < current)
            {
                removed = _replicas[wanted..];
                _replicas = _replicas[..wanted];
            }
            Interlocked.Add(ref _starting, adding);
            Decide(wanted, reason);
        }
        if (adding > 0)
        {
            try
            {
                var started = await StartReplicasAsync(adding, CancellationToken.None);
                lock (_gate)
                {
                    _replicas = [.. _replicas, .. started];
                }
            }
            catch (FailedStart e)
            {
                Decide(_replicas.Length, $"could not add replicas: {e.Reason.Message}");
            }
            finally
            {
                Interlocked.Add(ref _starting, -adding);
            }
            return;
        }
        await DrainAsync(() => removed.Any(r => r.InFlight > 0), drainTimeout);
        await StopReplicasAsync(removed);
    }

    /// <param name="fromPool">A cold start: its replicas may take warm workers from the pool.</param>
    private async Task<WorkerReplica[]> StartReplicasAsync(int count, CancellationToken cancellationToken, bool fromPool = false)
    {
        var replicas = Enumerable.Range(0, count).Select(_ => create(Interlocked.Increment(ref _nextIndex) - 1)).ToArray();
        foreach (var replica in replicas)
        {
            replica.Owner = this;
            replica.FromPool = fromPool;
        }
        var starts = replicas.Select(r => r.StartAsync(cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            await Task.WhenAll(replicas.Select(r => r.StopAsync()));
            // The first replica's reason, not an AggregateException's.
            var reason = starts.First(t => t.IsFaulted || t.IsCanceled).Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
            throw reason is DeployException or OperationCanceledException ? new FailedStart(replicas, reason) : reason;
        }
        metrics.Replicas(deployment.Id, count);
        return replicas;
    }

    /// <summary>Takes no new requests, waits for those in flight (up to <paramref name="drainTimeout"/>), then stops.</summary>
    public async Task RetireAsync(TimeSpan drainTimeout)
    {
        Interlocked.Exchange(ref _retired, 1);
        await DrainAsync(() => Volatile.Read(ref _inFlight) > 0, drainTimeout);
        await StopAsync();
    }

    public async Task StopAsync()
    {
        Task<string?>? waking;
        lock (_gate)
        {
            waking = _waking;
        }
        if (waking is not null)
        {
            // A cold start under way finishes first, so its replica is stopped too.
            await waking;
        }
        var replicas = _replicas;
        await StopReplicasAsync(replicas);
        _replicas = [];
    }

    /// <summary>Stops replicas and counts those that ran (the ones of a start that failed are stopped already, and were never counted).</summary>
    private async Task StopReplicasAsync(WorkerReplica[] replicas)
    {
        var live = replicas.Count(r => r.State != "stopped");
        await Task.WhenAll(replicas.Select(r => r.StopAsync()));
        metrics.Replicas(deployment.Id, -live);
    }

    /// <summary>Waits while <paramref name="busy"/> holds, up to <paramref name="timeout"/>.</summary>
    private static async Task DrainAsync(Func<bool> busy, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (busy() && waited.Elapsed < timeout)
        {
            await Task.Delay(20);
        }
    }

    private void Decide(int replicas, string reason) => LastDecision = new ScaleDecision(DateTime.UtcNow, replicas, reason);

    private static string Short(string commit) => commit.Length > 7 ? commit[..7] : commit;
}

/// <summary>Replicas that did not all get ready (stopped now), and the first one's reason.</summary>
internal sealed class FailedStart(WorkerReplica[] replicas, Exception reason) : Exception(reason.Message, reason)
{
    public WorkerReplica[] Replicas { get; } = replicas;

    public Exception Reason { get; } = reason;
}
