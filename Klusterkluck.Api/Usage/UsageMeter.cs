using System.Diagnostics;
using Klusterkluck.Api.Runtime;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Usage;

/// <summary>A minute of one function: what the meter counts under.</summary>
public readonly record struct UsageKey(string Owner, string Function, long Minute);

/// <summary>A minute's counts while they wait for the store.</summary>
public sealed class UsageCounts
{
    public long Invocations;
    public long Errors;
    public long Throttled;
    public long DurationMicroseconds;
    public long BytesIn;
    public long BytesOut;
    public double ReplicaSeconds;

    public void Add(UsageCounts other)
    {
        Invocations += other.Invocations;
        Errors += other.Errors;
        Throttled += other.Throttled;
        DurationMicroseconds += other.DurationMicroseconds;
        BytesIn += other.BytesIn;
        BytesOut += other.BytesOut;
        ReplicaSeconds += other.ReplicaSeconds;
    }
}

/// <summary>
/// Counts each function's use per minute in memory, on the request path (a lock held for a few
/// additions); <see cref="UsageFlusher"/> takes the counts every second and adds them to the
/// store, off the request path. Replica-seconds are integrated from the replica count's changes
/// (<see cref="ScaleMetrics"/> reports them), split exactly at minute boundaries.
/// </summary>
public sealed class UsageMeter(IOptions<UsageOptions> options, TimeProvider time)
{
    private readonly bool _enabled = options.Value.Enabled;
    private readonly Lock _gate = new();
    private Dictionary<UsageKey, UsageCounts> _pending = [];
    private readonly Dictionary<FunctionId, (int Replicas, DateTime Since)> _running = [];

    public bool Enabled => _enabled;

    /// <param name="error">Answered with a 5xx, or not answered.</param>
    /// <param name="startedAt">A <see cref="Stopwatch.GetTimestamp"/> from when the request was sent on.</param>
    public void Invoked(FunctionId id, bool error, long startedAt, long bytesIn, long bytesOut)
    {
        if (!_enabled)
        {
            return;
        }
        var micros = (long)Stopwatch.GetElapsedTime(startedAt).TotalMicroseconds;
        var minute = UsageRecord.MinuteOf(time.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            var counts = CountsOf(id, minute);
            counts.Invocations++;
            counts.Errors += error ? 1 : 0;
            counts.DurationMicroseconds += micros;
            counts.BytesIn += bytesIn;
            counts.BytesOut += bytesOut;
        }
    }

    public void Throttled(FunctionId id)
    {
        if (!_enabled)
        {
            return;
        }
        var minute = UsageRecord.MinuteOf(time.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            CountsOf(id, minute).Throttled++;
        }
    }

    /// <summary>The function's replicas went up or down by <paramref name="change"/>: the seconds so far are counted at the old number.</summary>
    public void ReplicasChanged(FunctionId id, int change)
    {
        if (!_enabled || change == 0)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            var replicas = 0;
            if (_running.TryGetValue(id, out var running))
            {
                Accrue(id, running.Replicas, running.Since, now);
                replicas = running.Replicas;
            }
            replicas = Math.Max(0, replicas + change);
            if (replicas == 0)
            {
                _running.Remove(id);
            }
            else
            {
                _running[id] = (replicas, now);
            }
        }
    }

    /// <summary>Everything counted since the last take, replica-seconds up to now included.</summary>
    public Dictionary<UsageKey, UsageCounts> Take()
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            foreach (var (id, running) in _running.ToList())
            {
                Accrue(id, running.Replicas, running.Since, now);
                _running[id] = (running.Replicas, now);
            }
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Counts the store did not take (it was unreachable): kept for the next flush.</summary>
    public void Return(Dictionary<UsageKey, UsageCounts> taken)
    {
        lock (_gate)
        {
            foreach (var (key, counts) in taken)
            {
                if (_pending.TryGetValue(key, out var pending))
                {
                    pending.Add(counts);
                }
                else
                {
                    _pending[key] = counts;
                }
            }
        }
    }

    private UsageCounts CountsOf(FunctionId id, long minute)
    {
        var key = new UsageKey(id.User, id.Name, minute);
        if (!_pending.TryGetValue(key, out var counts))
        {
            _pending[key] = counts = new UsageCounts();
        }
        return counts;
    }

    /// <summary>Replica-seconds from <paramref name="since"/> to <paramref name="now"/>, each part to its own minute.</summary>
    private void Accrue(FunctionId id, int replicas, DateTime since, DateTime now)
    {
        while (since < now)
        {
            var minute = UsageRecord.MinuteOf(since);
            var end = UsageRecord.StartOf(minute + 1);
            var until = end < now ? end : now;
            CountsOf(id, minute).ReplicaSeconds += replicas * (until - since).TotalSeconds;
            since = until;
        }
    }
}
