namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// A function's replicas at one commit. Requests are spread round-robin over the ready ones and
/// counted while in flight, so that a revision replaced by a newer one stops only once it is idle.
/// </summary>
internal sealed class Revision(string commit, IReadOnlyList<WorkerReplica> replicas) : IInFlight
{
    private int _cursor;
    private int _inFlight;
    private int _retired;

    public string Commit => commit;

    public IReadOnlyList<WorkerReplica> Replicas => replicas;

    /// <summary>Starts every replica; if one does not get ready, all are stopped and its reason thrown.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var starts = replicas.Select(r => r.StartAsync(cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            await StopAsync();
            // The first replica's reason, not an AggregateException's.
            throw starts.First(t => t.IsFaulted || t.IsCanceled).Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
        }
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
        var start = (uint)Interlocked.Increment(ref _cursor);
        for (var i = 0; i < replicas.Count; i++)
        {
            if (replicas[(int)((start + (uint)i) % (uint)replicas.Count)].Address is { } address)
            {
                lease = new RouteLease(true, address, this);
                return true;
            }
        }
        Interlocked.Decrement(ref _inFlight);
        lease = new RouteLease(true, null, null);
        return true;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Takes no new requests, waits for those in flight (up to <paramref name="drainTimeout"/>), then stops.</summary>
    public async Task RetireAsync(TimeSpan drainTimeout)
    {
        Interlocked.Exchange(ref _retired, 1);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _inFlight) > 0 && waited.Elapsed < drainTimeout)
        {
            await Task.Delay(20);
        }
        await StopAsync();
    }

    public Task StopAsync() => Task.WhenAll(replicas.Select(r => r.StopAsync()));
}
