using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Limits;

/// <summary>The limits checked before a function or a flow is created or changed; each throws <see cref="LimitReachedException"/>.</summary>
public sealed class UserLimits(IOptions<LimitsOptions> options, OwnerLocks locks, FlowLimits flows)
{
    public void CheckReplicas(int replicas, int? maxReplicas)
    {
        var limits = options.Value;
        if (replicas > limits.MaxReplicasPerFunction)
        {
            throw LimitReachedException.Of(nameof(LimitsOptions.MaxReplicasPerFunction),
                $"A function may have at most {limits.MaxReplicasPerFunction} replicas, not {replicas}.");
        }
        if (maxReplicas > limits.MaxAutoscaleReplicasPerFunction)
        {
            throw LimitReachedException.Of(nameof(LimitsOptions.MaxAutoscaleReplicasPerFunction),
                $"A function may scale to at most {limits.MaxAutoscaleReplicasPerFunction} replicas, not {maxReplicas}.");
        }
    }

    /// <summary>Throws when the user already has as many functions as they may; else holds their turn to create one until disposed.</summary>
    public Task<IDisposable> ReserveFunctionAsync(StoreContext store, string owner, CancellationToken cancellationToken) =>
        ReserveAsync(owner, store.Functions.Where(f => f.Owner == owner), nameof(LimitsOptions.MaxFunctionsPerUser),
            options.Value.MaxFunctionsPerUser, "functions", cancellationToken);

    /// <summary>As <see cref="ReserveFunctionAsync"/>, for a flow.</summary>
    public Task<IDisposable> ReserveFlowAsync(StoreContext store, string owner, CancellationToken cancellationToken) =>
        ReserveAsync(owner, store.Flows.Where(f => f.Owner == owner), nameof(LimitsOptions.MaxFlowsPerUser),
            options.Value.MaxFlowsPerUser, "flows", cancellationToken);

    public void CheckFlow(FlowDefinition definition)
    {
        if (flows.Check(definition) is { Any: true } violations)
        {
            throw new LimitReachedException(violations);
        }
    }

    private async Task<IDisposable> ReserveAsync<T>(string owner, IQueryable<T> owned, string property, int max, string noun,
        CancellationToken cancellationToken)
    {
        var turn = await locks.AcquireAsync(owner, cancellationToken);
        try
        {
            if (await owned.CountAsync(cancellationToken) is var count && count >= max)
            {
                throw LimitReachedException.Of(property, $"You have {count} {noun}; one user may have at most {max}, so delete one first.");
            }
            return turn;
        }
        catch
        {
            turn.Dispose();
            throw;
        }
    }
}
