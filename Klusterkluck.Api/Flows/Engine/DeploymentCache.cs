using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>A deployment with its graph built, as every step and event of it needs.</summary>
public sealed record LiveDeployment(Guid Id, string Owner, string FlowName, FlowGraph Graph);

/// <summary>Deployments never change once written, so each is read and built once per process.</summary>
public sealed class DeploymentCache(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<Guid, LiveDeployment> _deployments = new();

    /// <summary>The deployment, or null if it is gone (its flow was deleted).</summary>
    public async Task<LiveDeployment?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_deployments.TryGetValue(id, out var cached))
        {
            return cached;
        }
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        if (await store.FlowDeployments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken) is not { } row)
        {
            return null;
        }
        var live = new LiveDeployment(row.Id, row.Owner, row.FlowName, new FlowGraph(FlowDefinition.FromJson(row.Definition)));
        return _deployments.GetOrAdd(id, live);
    }

    public void Forget(Guid id) => _deployments.TryRemove(id, out _);
}
