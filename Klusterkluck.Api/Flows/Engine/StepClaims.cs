using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// Fair claims. Pending steps wait in one queue per owner's flow. Free slots are dealt round
/// robin: to the owners with pending steps, starting after the owner served last, and within an
/// owner to its flows, starting after the flow served last; a queue with fewer due steps than its
/// share gives the rest back to the others. So however many steps one owner has waiting, another
/// owner's due step is claimed at the latest when its turn comes: within one slot per other owner
/// with waiting steps, as slots free up; with several slots free at once, in the same claim.
/// Which queues have pending steps is kept here, so a claim costs one statement per queue served:
/// told by whatever writes pending steps in this process (<see cref="Noticed"/>, which also wakes
/// the engine, at once or when the steps are due), and read from the store at the poll's pace for
/// what other replicas wrote. One per engine: the turn is this
/// replica's; replicas deal independently and the store keeps them from claiming a step twice.
/// </summary>
public sealed class StepClaims(FlowTransactions transactions, EngineSignal signal, IOptions<FlowOptions> options)
{
    /// <summary>Passes over the queues per claim: a pass gives every queue that can take more a share of what is left.</summary>
    private const int MaxPasses = 8;

    private readonly Lock _gate = new();

    /// <summary>Owner → flow → when it was last noticed (a stamp of <see cref="_stamp"/>).</summary>
    private readonly SortedDictionary<string, SortedDictionary<string, long>> _queues = new(StringComparer.Ordinal);

    /// <summary>Queues with steps waiting out a backoff, each to be noticed when its step is due.</summary>
    private readonly PriorityQueue<(string Owner, string Flow), DateTime> _later = new();

    private readonly Dictionary<string, string?> _lastFlow = new(StringComparer.Ordinal);
    private long _stamp;
    private string? _lastOwner;
    private DateTime _nextRefresh;

    /// <summary>
    /// Pending steps were written (and committed) in this queue, due now or at <paramref name="dueAt"/>:
    /// the engine is woken then, and asks the queue.
    /// </summary>
    public void Noticed(string owner, string flow, DateTime? dueAt = null)
    {
        if (dueAt is { } at && at - DateTime.UtcNow is { Ticks: > 0 } wait)
        {
            lock (_gate)
            {
                _later.Enqueue((owner, flow), at);
            }
            signal.PulseAfter(wait);
            return;
        }
        Add(owner, flow);
        signal.Pulse();
    }

    private void Add(string owner, string flow)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(owner, out var flows))
            {
                _queues[owner] = flows = new SortedDictionary<string, long>(StringComparer.Ordinal);
            }
            flows[flow] = ++_stamp;
        }
    }

    /// <summary>Claims up to <paramref name="max"/> due steps under one new token, and returns them.</summary>
    public async Task<List<FlowStep>> ClaimAsync(StoreContext store, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        int claimed;
        using (await transactions.EnterAsync(cancellationToken))
        {
            var now = DateTime.UtcNow;
            if (now >= _nextRefresh)
            {
                _nextRefresh = now + options.Value.PollInterval;
                await RefreshAsync(store, now, cancellationToken);
            }
            NoticeDue(now);
            (claimed, _lastOwner) = await DealAsync(max, _lastOwner, Owners(), async (owner, share) =>
            {
                var (taken, lastFlow) = await DealAsync(share, _lastFlow.GetValueOrDefault(owner), Flows(owner), async (flow, n) =>
                {
                    var stamp = Stamp(owner, flow);
                    // Read after the stamp: every step noticed by then was written before, so it is due by this clock.
                    var at = DateTime.UtcNow;
                    var got = await transactions.ClaimAsync(store, owner, flow, n, token, at + lease, at, cancellationToken);
                    if (got < n)
                    {
                        // Empty, or only steps waiting out a backoff: asked again once noticed, or found by the next refresh.
                        Forget(owner, flow, stamp);
                    }
                    return got;
                });
                _lastFlow[owner] = lastFlow;
                return taken;
            });
        }
        if (_lastFlow.Count > 10_000)
        {
            // Only a turn's place is lost; the dictionary must not grow with every owner ever served.
            _lastFlow.Clear();
        }
        return claimed == 0 ? [] : await store.FlowSteps.AsNoTracking().Where(s => s.LeaseToken == token).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Gives back the steps whose claim ran out (their engine died, or lost the store for a whole
    /// lease), then reads which queues have pending steps: a skip scan of the queues' index, one
    /// seek per queue however many steps wait. Queues noticed meanwhile are kept.
    /// </summary>
    private async Task RefreshAsync(StoreContext store, DateTime now, CancellationToken cancellationToken)
    {
        await transactions.ReclaimExpiredAsync(store, now, cancellationToken);
        long before;
        lock (_gate)
        {
            before = _stamp;
        }
        var found = new List<(string Owner, string Flow)>();
        for (var owner = await transactions.NextOwnerAsync(store, null, cancellationToken); owner is not null;
             owner = await transactions.NextOwnerAsync(store, owner, cancellationToken))
        {
            for (var flow = await transactions.NextFlowAsync(store, owner, null, cancellationToken); flow is not null;
                 flow = await transactions.NextFlowAsync(store, owner, flow, cancellationToken))
            {
                found.Add((owner, flow));
            }
        }
        lock (_gate)
        {
            foreach (var (owner, flows) in _queues.ToList())
            {
                foreach (var (flow, stamp) in flows.ToList().Where(f => f.Value <= before))
                {
                    flows.Remove(flow);
                }
                if (flows.Count == 0)
                {
                    _queues.Remove(owner);
                }
            }
        }
        foreach (var (owner, flow) in found)
        {
            Add(owner, flow);
        }
    }

    /// <summary>Steps whose backoff is over: their queues are asked again.</summary>
    private void NoticeDue(DateTime now)
    {
        List<(string Owner, string Flow)> due = [];
        lock (_gate)
        {
            while (_later.TryPeek(out var queue, out var at) && at <= now)
            {
                _later.Dequeue();
                due.Add(queue);
            }
        }
        foreach (var (owner, flow) in due)
        {
            Add(owner, flow);
        }
    }

    private List<string> Owners()
    {
        lock (_gate)
        {
            return [.. _queues.Keys];
        }
    }

    private List<string> Flows(string owner)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(owner, out var flows) ? [.. flows.Keys] : [];
        }
    }

    private long Stamp(string owner, string flow)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(owner, out var flows) && flows.TryGetValue(flow, out var stamp) ? stamp : 0;
        }
    }

    /// <summary>Drops a queue that looked empty, unless it was noticed again since <paramref name="stamp"/>.</summary>
    private void Forget(string owner, string flow, long stamp)
    {
        lock (_gate)
        {
            if (_queues.TryGetValue(owner, out var flows) && flows.TryGetValue(flow, out var now) && now == stamp)
            {
                flows.Remove(flow);
                if (flows.Count == 0)
                {
                    _queues.Remove(owner);
                }
            }
        }
    }

    /// <summary>
    /// Deals <paramref name="slots"/> round robin over <paramref name="keys"/> (sorted), starting
    /// after <paramref name="cursor"/> and wrapping around; <paramref name="take"/> takes up to its
    /// share for a key and says how many it took. A key that takes less than its share is spent;
    /// what it left goes to the others in the next pass. Returns the total taken and the last key
    /// served, the next deal's cursor.
    /// </summary>
    internal static async Task<(int Taken, string? Cursor)> DealAsync(int slots, string? cursor, IReadOnlyList<string> keys,
        Func<string, int, Task<int>> take)
    {
        var start = cursor is null ? 0 : keys.Count(k => string.CompareOrdinal(k, cursor) <= 0);
        var turns = keys.Skip(start).Concat(keys.Take(start)).ToList();
        var taken = 0;
        var served = cursor;
        var spent = new HashSet<string>(StringComparer.Ordinal);
        for (var pass = 0; pass < MaxPasses && taken < slots; pass++)
        {
            var left = slots - taken;
            var dealt = turns.Where(k => !spent.Contains(k)).Take(left).ToList();
            if (dealt.Count == 0)
            {
                break;
            }
            for (var i = 0; i < dealt.Count; i++)
            {
                var share = (left / dealt.Count) + (i < left % dealt.Count ? 1 : 0);
                var got = await take(dealt[i], share);
                taken += got;
                if (got > 0)
                {
                    served = dealt[i];
                }
                if (got < share)
                {
                    spent.Add(dealt[i]);
                }
            }
        }
        return (taken, served);
    }
}
