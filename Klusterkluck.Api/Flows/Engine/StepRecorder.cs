using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// Records how a claimed step ended, under its claim: a result arriving after the claim ran out
/// (another replica took the step over) changes nothing. A success or a dead letter is one
/// transaction with everything that follows from it (<see cref="RunAdvance"/>).
/// </summary>
public sealed class StepRecorder(StoreContext store, FlowTransactions transactions, StepClaims claims,
    Microsoft.Extensions.Options.IOptions<FlowOptions> options)
{
    public async Task<bool> SucceededAsync(FlowStep step, FlowGraph graph, byte[] output, string? outputType, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return await FinishAsync(step, graph, set => set
            .SetProperty(s => s.Status, StepStatus.Succeeded)
            .SetProperty(s => s.Output, output)
            .SetProperty(s => s.OutputType, outputType)
            .SetProperty(s => s.Error, (string?)null)
            .SetProperty(s => s.FinishedAt, now)
            .SetProperty(s => s.LeaseToken, (string?)null),
            (advance, info) => advance.SucceededAsync(info, output, outputType, cancellationToken), cancellationToken);
    }

    public async Task<bool> DeadLetteredAsync(FlowStep step, FlowGraph graph, string error, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var clipped = FlowStep.Clip(error);
        return await FinishAsync(step, graph, set => set
            .SetProperty(s => s.Status, StepStatus.DeadLettered)
            .SetProperty(s => s.Error, clipped)
            .SetProperty(s => s.FinishedAt, now)
            .SetProperty(s => s.LeaseToken, (string?)null),
            (advance, info) => advance.DeadLetteredAsync(info, cancellationToken), cancellationToken);
    }

    /// <summary>The attempt failed and another is due at <paramref name="retryAt"/>.</summary>
    public async Task<bool> RetryAsync(FlowStep step, string error, DateTime retryAt, CancellationToken cancellationToken)
    {
        var clipped = FlowStep.Clip(error);
        using var turn = await transactions.EnterAsync(cancellationToken);
        return Pending(step, retryAt, await Claimed(step).ExecuteUpdateAsync(set => set
            .SetProperty(s => s.Status, StepStatus.Pending)
            .SetProperty(s => s.Error, clipped)
            .SetProperty(s => s.DueAt, retryAt)
            .SetProperty(s => s.LeaseToken, (string?)null), cancellationToken) == 1);
    }

    /// <summary>
    /// Gives the step back without counting the attempt: it could not even be tried (no replica of
    /// its function is ready yet), or this replica is stopping.
    /// </summary>
    public async Task<bool> ReleaseAsync(FlowStep step, string? reason, DateTime dueAt, CancellationToken cancellationToken)
    {
        var clipped = FlowStep.Clip(reason);
        using var turn = await transactions.EnterAsync(cancellationToken);
        return Pending(step, dueAt, await Claimed(step).ExecuteUpdateAsync(set => set
            .SetProperty(s => s.Status, StepStatus.Pending)
            .SetProperty(s => s.Attempts, s => s.Attempts - 1)
            .SetProperty(s => s.Error, clipped)
            .SetProperty(s => s.DueAt, dueAt)
            .SetProperty(s => s.LeaseToken, (string?)null), cancellationToken) == 1);
    }

    /// <summary>The step is pending again: its queue is to be asked, and the engine woken, when it is due.</summary>
    private bool Pending(FlowStep step, DateTime dueAt, bool recorded)
    {
        if (recorded)
        {
            claims.Noticed(step.Owner, step.FlowName, dueAt);
        }
        return recorded;
    }

    /// <summary>Extends the claim of a step still running; false if the claim was lost.</summary>
    public async Task<bool> RenewAsync(FlowStep step, DateTime until, CancellationToken cancellationToken)
    {
        using var turn = await transactions.EnterAsync(cancellationToken);
        return await Claimed(step).ExecuteUpdateAsync(set => set.SetProperty(s => s.DueAt, until), cancellationToken) == 1;
    }

    private IQueryable<FlowStep> Claimed(FlowStep step) =>
        store.FlowSteps.Where(s => s.Id == step.Id && s.LeaseToken == step.LeaseToken && s.Status == StepStatus.Running);

    private async Task<bool> FinishAsync(FlowStep step, FlowGraph graph,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<FlowStep>> record, Func<RunAdvance, StepInfo, Task> follow,
        CancellationToken cancellationToken)
    {
        using var turn = await transactions.EnterAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await transactions.LockRunAsync(store, step.RunId, cancellationToken);
        // Under its claim only: a run that failed as a whole (a limit) took its running steps with it.
        if (await Claimed(step).ExecuteUpdateAsync(record, cancellationToken) != 1)
        {
            return false;
        }
        var header = new RunHeader(step.RunId, step.DeploymentId, step.Owner, step.FlowName, step.TraceParent);
        var advance = await RunAdvance.LoadAsync(store, graph, header, options.Value, cancellationToken);
        await follow(advance, new StepInfo(step.Id, step.NodeId, StepStatus.Running, null));
        await advance.SaveAsync(null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (advance.Created.Any(s => s.Status == StepStatus.Pending))
        {
            claims.Noticed(step.Owner, step.FlowName);
        }
        return true;
    }
}
