using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// Fair claims. Pending steps wait in one queue per owner's flow. Free slots are dealt round
/// robin: to the owners with pending steps, starting after the owner served last, and within an
/// owner to its flows, starting after the flow served last; a queue with fewer due steps than its
/// share gives the rest back to the others. So however many steps one owner has waiting, another
/// owner's due step is claimed at the latest when its turn comes: within one slot per other owner
/// with waiting steps, as slots free up; with several slots free at once, in the same claim.
/// One per engine: the turn is this replica's; replicas deal independently and the store keeps
/// them from claiming a step twice.
/// </summary>
public sealed class StepClaims(FlowTransactions transactions)
{
    /// <summary>Passes over the queues per claim: a pass gives every queue that can take more a share of what is left.</summary>
    private const int MaxPasses = 8;

    private readonly Dictionary<string, string?> _lastFlow = new(StringComparer.Ordinal);
    private string? _lastOwner;

    /// <summary>Claims up to <paramref name="max"/> due steps under one new token, and returns them.</summary>
    public async Task<List<FlowStep>> ClaimAsync(StoreContext store, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        int claimed;
        using (await transactions.EnterAsync(cancellationToken))
        {
            await transactions.ReclaimExpiredAsync(store, now, cancellationToken);
            (claimed, _lastOwner) = await DealAsync(max, _lastOwner,
                after => transactions.NextOwnerAsync(store, after, cancellationToken),
                async (owner, share) =>
                {
                    var (taken, lastFlow) = await DealAsync(share, _lastFlow.GetValueOrDefault(owner),
                        after => transactions.NextFlowAsync(store, owner, after, cancellationToken),
                        (flow, n) => transactions.ClaimAsync(store, owner, flow, n, token, now + lease, now, cancellationToken));
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
    /// Deals <paramref name="slots"/> round robin over the keys <paramref name="next"/> walks (each
    /// after the one given, wrapping around once), starting after <paramref name="cursor"/>;
    /// <paramref name="take"/> takes up to its share for a key and says how many it took. Returns
    /// the total taken and the last key served, the next deal's cursor. Keys are compared only by
    /// the store (its collation orders them), never here.
    /// </summary>
    internal static async Task<(int Taken, string? Cursor)> DealAsync(int slots, string? cursor, Func<string?, Task<string?>> next,
        Func<string, int, Task<int>> take)
    {
        var taken = 0;
        var served = cursor;
        var spent = new HashSet<string>(StringComparer.Ordinal);
        for (var pass = 0; pass < MaxPasses && taken < slots; pass++)
        {
            var keys = await WalkAsync(slots - taken, cursor, spent, next);
            if (keys.Count == 0)
            {
                break;
            }
            var left = slots - taken;
            for (var i = 0; i < keys.Count; i++)
            {
                var share = (left / keys.Count) + (i < left % keys.Count ? 1 : 0);
                if (share == 0)
                {
                    continue;
                }
                var got = await take(keys[i], share);
                taken += got;
                if (got > 0)
                {
                    served = keys[i];
                }
                if (got < share)
                {
                    spent.Add(keys[i]);
                }
            }
        }
        return (taken, served);
    }

    /// <summary>Up to <paramref name="count"/> keys not yet spent, in turn after <paramref name="cursor"/>, each once.</summary>
    private static async Task<List<string>> WalkAsync(int count, string? cursor, HashSet<string> spent, Func<string?, Task<string?>> next)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var at = cursor;
        var wrapped = cursor is null;
        while (keys.Count < count)
        {
            if (await next(at) is not { } key)
            {
                if (wrapped)
                {
                    break;
                }
                wrapped = true;
                at = null;
                continue;
            }
            if (!seen.Add(key))
            {
                // Around once: back at a key already walked.
                break;
            }
            if (!spent.Contains(key))
            {
                keys.Add(key);
            }
            at = key;
        }
        return keys;
    }
}
