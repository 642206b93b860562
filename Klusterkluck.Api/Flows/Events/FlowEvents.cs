using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

public enum EventOutcome
{
    Accepted,

    /// <summary>The same Idempotency-Key came before: its run is the answer.</summary>
    Duplicate,
    UnknownFlow,
    NotDeployed,
    NotASource,
}

/// <summary>
/// An event entering a flow at one of its connector nodes. It is accepted once its run and the
/// run's first steps are committed: from then on the engine owes it a complete run, whatever
/// restarts in between. A redelivered event (same Idempotency-Key) finds its run.
/// </summary>
public sealed class FlowEvents(StoreContext store, FlowTransactions transactions, StepClaims claims, DeploymentCache deployments,
    Microsoft.Extensions.Options.IOptions<FlowOptions> options)
{
    public async Task<(EventOutcome Outcome, Guid? RunId)> AcceptAsync(Flow flow, string node, string? idempotencyKey, byte[] body,
        string? contentType, CancellationToken cancellationToken)
    {
        if (flow.DeploymentId is not { } deploymentId || await deployments.GetAsync(deploymentId, cancellationToken) is not { } deployment)
        {
            return (EventOutcome.NotDeployed, null);
        }
        if (!deployment.Graph.Nodes.TryGetValue(node, out var source) || source.Kind != NodeKinds.Connector)
        {
            return (EventOutcome.NotASource, null);
        }
        // A longer key is the caller's to refuse (the event endpoints answer 400): replacing it would run a redelivery twice.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idempotencyKey?.Length ?? 0, FlowRun.MaxEventKeyLength, nameof(idempotencyKey));
        var key = idempotencyKey is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        if (await ExistingAsync(flow, node, key, cancellationToken) is { } existing)
        {
            return (EventOutcome.Duplicate, existing);
        }
        using var span = FlowTelemetry.StartRun(flow, node, key);
        try
        {
            using var turn = await transactions.EnterAsync(cancellationToken);
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            var run = new FlowRun
            {
                Owner = flow.Owner,
                FlowName = flow.Name,
                DeploymentId = deploymentId,
                SourceNode = node,
                EventKey = key,
                // The run's span, or else the request's: under the connector's delivery, when it sent a traceparent.
                TraceParent = FlowTelemetry.TraceParent(System.Diagnostics.Activity.Current),
            };
            store.FlowRuns.Add(run);
            var header = new RunHeader(run.Id, deploymentId, flow.Owner, flow.Name, run.TraceParent);
            var advance = new RunAdvance(store, deployment.Graph, header, [], 0, options.Value);
            await advance.StartAsync(node, body, FlowStep.ContentType(contentType), cancellationToken);
            // Over at once when nothing is left to run (an if that took no edge), or when the event crossed a limit.
            await advance.SaveAsync(run, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (advance.Created.Any(s => s.Status == StepStatus.Pending))
            {
                claims.Noticed(flow.Owner, flow.Name);
            }
            span?.SetTag("klusterkluck.flow.run", run.Id.ToString("N"));
            return (EventOutcome.Accepted, run.Id);
        }
        catch (DbUpdateException)
        {
            // Lost a race with the same event delivered twice at once (the unique key), or the flow was deleted meanwhile.
            store.ChangeTracker.Clear();
            return await ExistingAsync(flow, node, key, cancellationToken) is { } raced ? (EventOutcome.Duplicate, raced) : (EventOutcome.UnknownFlow, null);
        }
    }

    private async Task<Guid?> ExistingAsync(Flow flow, string node, string key, CancellationToken cancellationToken) =>
        await store.FlowRuns.AsNoTracking()
            .Where(r => r.Owner == flow.Owner && r.FlowName == flow.Name && r.SourceNode == node && r.EventKey == key)
            .Select(r => (Guid?)r.Id).SingleOrDefaultAsync(cancellationToken);
}
