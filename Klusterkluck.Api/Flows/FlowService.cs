using System.Security.Cryptography;
using Klusterkluck.Api.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

public enum FlowOutcome
{
    Done,
    Unknown,
    Exists,
    Invalid,

    /// <summary>The caller's <c>If-Match</c> names an older version: someone saved the flow since.</summary>
    Changed,
}

/// <summary>What the flow endpoints do to the store and the runtime: every operation on the caller's own flows only.</summary>
public sealed class FlowService(StoreContext store, TenantStore tenants, FlowValidator validator, FlowConnectors connectors, FlowLocks locks,
    DeploymentCache deployments, UserLimits limits)
{
    public Task<List<Flow>> ListAsync(string owner, CancellationToken cancellationToken) =>
        store.Flows.AsNoTracking().Where(f => f.Owner == owner).OrderBy(f => f.Name).ToListAsync(cancellationToken);

    public async Task<Flow?> FindAsync(string owner, string name, CancellationToken cancellationToken) =>
        FlowNameAttribute.IsValidName(name) ? await store.Flows.FindAsync([owner, name], cancellationToken) : null;

    public async Task<(FlowOutcome, Flow?, Dictionary<string, string[]>?)> CreateAsync(string owner, string name, FlowDefinition definition,
        CancellationToken cancellationToken)
    {
        if (await validator.ValidateAsync(owner, definition, cancellationToken) is { Count: > 0 } problems)
        {
            return (FlowOutcome.Invalid, null, problems);
        }
        limits.CheckFlow(definition);
        await tenants.EnsureAsync(owner, cancellationToken);
        using var _ = await limits.ReserveFlowAsync(store, owner, cancellationToken);
        var flow = new Flow
        {
            Owner = owner,
            Name = name,
            Definition = definition.ToJson(),
            EventToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        };
        store.Flows.Add(flow);
        try
        {
            await store.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return (FlowOutcome.Exists, null, null);
        }
        return (FlowOutcome.Done, flow, null);
    }

    /// <summary>Saves a new definition; what runs changes only with the next deploy.</summary>
    /// <param name="expected">The version (<see cref="FlowVersion"/>) the caller edited, or null to save whatever is there.</param>
    public async Task<(FlowOutcome, Flow?, Dictionary<string, string[]>?)> UpdateAsync(string owner, string name, FlowDefinition definition,
        string? expected, CancellationToken cancellationToken)
    {
        if (!FlowNameAttribute.IsValidName(name))
        {
            return (FlowOutcome.Unknown, null, null);
        }
        using var _ = await locks.AcquireAsync((owner, name), cancellationToken);
        if (await FindAsync(owner, name, cancellationToken) is not { } flow)
        {
            return (FlowOutcome.Unknown, null, null);
        }
        if (expected is not null && expected != FlowVersion.Of(flow))
        {
            return (FlowOutcome.Changed, flow, null);
        }
        if (await validator.ValidateAsync(owner, definition, cancellationToken) is { Count: > 0 } problems)
        {
            return (FlowOutcome.Invalid, flow, problems);
        }
        limits.CheckFlow(definition);
        flow.Definition = definition.ToJson();
        flow.UpdatedAt = DateTime.UtcNow;
        await store.SaveChangesAsync(cancellationToken);
        return (FlowOutcome.Done, flow, null);
    }

    /// <summary>
    /// Validates the saved definition again (a function may have been deleted since), records it as
    /// the live deployment, then makes the runtime run its connectors: new ones started, changed ones
    /// restarted with their new settings, removed ones stopped.
    /// </summary>
    public async Task<(FlowOutcome, Flow?, Dictionary<string, string[]>?)> DeployAsync(string owner, string name, CancellationToken cancellationToken)
    {
        if (!FlowNameAttribute.IsValidName(name))
        {
            return (FlowOutcome.Unknown, null, null);
        }
        using var _ = await locks.AcquireAsync((owner, name), cancellationToken);
        if (await FindAsync(owner, name, cancellationToken) is not { } flow)
        {
            return (FlowOutcome.Unknown, null, null);
        }
        var definition = FlowDefinition.FromJson(flow.Definition);
        if (await validator.ValidateAsync(owner, definition, cancellationToken) is { Count: > 0 } problems)
        {
            return (FlowOutcome.Invalid, flow, problems);
        }
        // The limits may have been lowered since it was saved.
        limits.CheckFlow(definition);
        var previous = await DeployedDefinitionAsync(flow, cancellationToken);
        var deployment = new FlowDeployment { Owner = owner, FlowName = name, Definition = flow.Definition };
        store.FlowDeployments.Add(deployment);
        flow.DeploymentId = deployment.Id;
        flow.UpdatedAt = DateTime.UtcNow;
        await store.SaveChangesAsync(cancellationToken);
        await connectors.ApplyAsync(flow, previous, definition, CancellationToken.None);
        return (FlowOutcome.Done, flow, null);
    }

    /// <summary>
    /// The connectors first, then the row (runs and their steps go with it): if the runtime cannot
    /// stop a connector, the flow is still there to delete again, not a connector without a flow.
    /// </summary>
    public async Task<bool> DeleteAsync(string owner, string name, CancellationToken cancellationToken)
    {
        if (!FlowNameAttribute.IsValidName(name))
        {
            return false;
        }
        using var _ = await locks.AcquireAsync((owner, name), cancellationToken);
        if (await FindAsync(owner, name, cancellationToken) is not { } flow)
        {
            return false;
        }
        await connectors.RemoveAsync(owner, name, await DeployedDefinitionAsync(flow, cancellationToken), CancellationToken.None);
        var deploymentIds = await store.FlowDeployments.Where(d => d.Owner == owner && d.FlowName == name).Select(d => d.Id).ToListAsync(cancellationToken);
        store.Flows.Remove(flow);
        await store.SaveChangesAsync(CancellationToken.None);
        deploymentIds.ForEach(deployments.Forget);
        return true;
    }

    public async Task<FlowDefinition?> DeployedDefinitionAsync(Flow flow, CancellationToken cancellationToken) =>
        await DeploymentAsync(flow, cancellationToken) is { } deployment ? FlowDefinition.FromJson(deployment.Definition) : null;

    /// <summary>The live deployment's row, if the flow is deployed.</summary>
    public async Task<FlowDeployment?> DeploymentAsync(Flow flow, CancellationToken cancellationToken) =>
        flow.DeploymentId is { } id ? await store.FlowDeployments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken) : null;
}
