namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// A function whose replicas the Api decides on Kubernetes (no minimum, or a target concurrency):
/// it has no Ingress, so every request comes through the gateway, which counts those in flight
/// here. That count is what the worker would report, exactly, and it wakes a function at zero.
/// The Deployment's replicas are set through its scale subresource (KubernetesRuntime.Scaling.cs).
/// </summary>
internal sealed class ScaledFunction(FunctionDeployment deployment, int replicas) : IInFlight, Scaling.IAutoscaled
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private long _lastActive = Environment.TickCount64;
    private int _asleep;
    private Task<string?>? _waking;

    public FunctionDeployment Deployment => deployment;

    /// <summary>The replicas last set on the Deployment.</summary>
    public int Replicas { get; set; } = replicas;

    public int Current => Replicas;

    public bool Asleep => Volatile.Read(ref _asleep) == 1;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Replicas wanted now: none while asleep, else those set (one while a wake is under way).</summary>
    public int Wanted => Asleep && _waking is null ? 0 : Math.Max(Replicas, 1);

    /// <summary>A scale change on its way to the API server: autoscaling waits for it.</summary>
    public bool Changing { get; set; }

    public bool Settled => !Asleep && _waking is null && !Changing;

    public Scaling.ConcurrencyWindow? Window { get; set; }

    public Scaling.ScaleState ScaleState { get; set; }

    public ScaleDecision? LastDecision { get; private set; }

    /// <summary>A lease on the function's Service, counted while in flight; a sleeping function's says so, to be woken.</summary>
    public RouteLease Lease(string address)
    {
        Interlocked.Increment(ref _inFlight);
        if (Asleep)
        {
            Interlocked.Decrement(ref _inFlight);
            return RouteLease.Sleeping;
        }
        return new RouteLease(true, address, this);
    }

    /// <summary>A request's end: idleness counts from the last one.</summary>
    public void Exit()
    {
        Volatile.Write(ref _lastActive, Environment.TickCount64);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Marks it asleep when it has no minimum, nothing in flight and no request for its idle timeout; true when it did.</summary>
    public bool TrySleep()
    {
        lock (_gate)
        {
            var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastActive));
            if (deployment.Replicas > 0 || Asleep || _waking is not null || Changing || idle < deployment.IdleTimeout || InFlight > 0)
            {
                return false;
            }
            // Asleep first, then a second look: a lease either saw the flag (and wakes it) or is counted here.
            Interlocked.Exchange(ref _asleep, 1);
            if (InFlight > 0)
            {
                Interlocked.Exchange(ref _asleep, 0);
                return false;
            }
            return true;
        }
    }

    /// <summary>Back awake without a start: its scale-down to zero did not happen.</summary>
    public void Awaken()
    {
        Volatile.Write(ref _lastActive, Environment.TickCount64);
        Interlocked.Exchange(ref _asleep, 0);
    }

    /// <summary>Runs <paramref name="start"/> for a sleeping function, or joins the one under way; null once it serves, else why not.</summary>
    public Task<string?> WakeAsync(Func<Task<string?>> start)
    {
        lock (_gate)
        {
            return !Asleep ? Task.FromResult<string?>(null) : _waking ??= StartAsync(start);
        }
    }

    private async Task<string?> StartAsync(Func<Task<string?>> start)
    {
        await Task.Yield();
        var failure = await start();
        lock (_gate)
        {
            _waking = null;
            if (failure is null)
            {
                Volatile.Write(ref _lastActive, Environment.TickCount64);
                Interlocked.Exchange(ref _asleep, 0);
            }
        }
        return failure;
    }

    public void Decide(int replicas, string reason) => LastDecision = new ScaleDecision(DateTime.UtcNow, replicas, reason);
}
