using Klusterkluck.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Tenants;

public sealed class TenantStore(StoreContext store)
{
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
