using Klusterkluck.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Tenants;

public sealed partial class TenantStore(StoreContext store, Runtime.IRuntime runtime, ILogger<TenantStore> logger)
{
    /// <summary>
    /// Prepares the runtime for a new user (their namespace, in Kubernetes). A failure is logged,
    /// not fatal: every deploy prepares the tenant again before it creates anything.
    /// </summary>
    public async Task PrepareRuntimeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.PrepareTenantAsync(name, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPrepareFailed(logger, name, Runtime.Kubernetes.KubernetesApi.Describe(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runtime could not be prepared for user {User} yet: {Reason}")]
    private static partial void LogPrepareFailed(ILogger logger, string user, string reason);

    /// <summary>
    /// Makes sure the user's tenant exists. Needed for users the Api did not register itself
    /// (created in Keycloak's console, say); concurrent first requests may race, the loser finds it.
    /// </summary>
    public async Task<Tenant> EnsureAsync(string name, CancellationToken cancellationToken)
    {
        if (await store.Tenants.FindAsync([name], cancellationToken) is { } existing)
        {
            return existing;
        }
        var tenant = new Tenant { Name = name };
        store.Tenants.Add(tenant);
        try
        {
            await store.SaveChangesAsync(cancellationToken);
            return tenant;
        }
        catch (DbUpdateException)
        {
            store.ChangeTracker.Clear();
            return await store.Tenants.SingleAsync(t => t.Name == name, cancellationToken);
        }
    }
}
