using Klusterkluck.Api.Git;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Tenants;
using Klusterkluck.Functions;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// What the function endpoints do to the store, the repositories and the runtime: one change at a
/// time per function (<see cref="FunctionLocks"/>), in an order that survives a crash at any step.
/// </summary>
public sealed class FunctionService(
    StoreContext store, TenantStore tenants, Repositories repositories, FunctionDeployer deployer, IRuntime runtime, FunctionLocks locks,
    UserLimits limits, BuildService builds)
{
    public Task<List<Function>> ListAsync(string owner, CancellationToken cancellationToken) =>
        store.Functions.AsNoTracking().Where(f => f.Owner == owner).OrderBy(f => f.Name).ToListAsync(cancellationToken);

    public async Task<Function?> FindAsync(string owner, string name, CancellationToken cancellationToken) =>
        FunctionNameAttribute.IsValidName(name) ? await store.Functions.FindAsync([owner, name], cancellationToken) : null;

    /// <summary>
    /// Claims the name, creates the repository from the template, and starts deploying its first
    /// commit; null if the name is taken. <see cref="Deploying.Ended"/> completes when the deploy's outcome is stored.
    /// </summary>
    public async Task<Deploying?> CreateAsync(string owner, CreateFunctionRequest request, CancellationToken cancellationToken)
    {
        FunctionKinds.TryParse(request.Kind, out var kind);
        limits.CheckReplicas(request.Replicas ?? 1, request.MaxReplicas);
        await tenants.EnsureAsync(owner, cancellationToken);
        // Counted and claimed in one turn: nothing (row, repository) exists for a function over the limit.
        using var reserved = await limits.ReserveFunctionAsync(store, owner, cancellationToken);
        using var _ = await locks.AcquireAsync(new FunctionId(owner, request.Name), cancellationToken);
        // The row first: it claims the name. A crash before the repository exists leaves a row
        // without a commit, which the next start rolls back (FunctionDeployer).
        var function = new Function
        {
            Owner = owner,
            Name = request.Name,
            Kind = kind.ToName(),
            Public = request.Public ?? false,
            Replicas = request.Replicas ?? 1,
            MaxReplicas = request.MaxReplicas > (request.Replicas ?? 1) ? request.MaxReplicas : null,
            TargetCommit = "",
        };
        store.Functions.Add(function);
        try
        {
            await store.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return null;
        }
        try
        {
            function.TargetCommit = repositories.Create(owner, request.Name, kind);
            await store.SaveChangesAsync(CancellationToken.None);
        }
        catch
        {
            store.Functions.Remove(function);
            await store.SaveChangesAsync(CancellationToken.None);
            repositories.Delete(owner, request.Name);
            throw;
        }
        return new Deploying(function, deployer.Start(Deployment(function)));
    }

    /// <summary>Deploys a commit of the function's history: an update or a rollback.</summary>
    public async Task<(DeployOutcome Outcome, Deploying? Deploying)> DeployAsync(string owner, string name, string sha, CancellationToken cancellationToken)
    {
        if (!FunctionNameAttribute.IsValidName(name))
        {
            return (DeployOutcome.UnknownFunction, null);
        }
        using var _ = await locks.AcquireAsync(new FunctionId(owner, name), cancellationToken);
        if (await FindAsync(owner, name, cancellationToken) is not { } function)
        {
            return (DeployOutcome.UnknownFunction, null);
        }
        string commit;
        FunctionConfig config;
        using (var repository = repositories.Open(function.Owner, function.Name))
        {
            if (History.Find(repository, sha) is not { } found)
            {
                return (DeployOutcome.UnknownCommit, new Deploying(function, Task.CompletedTask));
            }
            commit = found.Sha;
            try
            {
                config = History.Config(repository, found);
            }
            catch (FunctionConfigException e)
            {
                // Nothing starts: the serving revision stays, and the function's state says why.
                await RecordAsync(function, commit, DeployStatus.Failed, $"{FunctionConfig.FileName}: {e.Message}", cancellationToken);
                return (DeployOutcome.InvalidConfig, new Deploying(function, Task.CompletedTask));
            }
        }
        function.Kind = config.Kind.ToName();
        await RecordAsync(function, commit, DeployStatus.Deploying, null, cancellationToken);
        return (DeployOutcome.Started, new Deploying(function, deployer.Start(Deployment(function))));
    }

    /// <summary>Waits until the deploy's outcome is stored (ready or failed), then reads the function again.</summary>
    public async Task<Function> WaitAsync(Deploying deploying, CancellationToken cancellationToken)
    {
        await deploying.Ended.WaitAsync(cancellationToken);
        var entry = store.Entry(deploying.Function);
        await entry.ReloadAsync(cancellationToken);
        return deploying.Function;
    }

    /// <summary>Removes the row first (so a restart never brings it back), then its workers and its repository.</summary>
    public async Task<bool> DeleteAsync(string owner, string name, CancellationToken cancellationToken)
    {
        if (!FunctionNameAttribute.IsValidName(name))
        {
            return false;
        }
        var id = new FunctionId(owner, name);
        using var _ = await locks.AcquireAsync(id, cancellationToken);
        if (await FindAsync(owner, name, cancellationToken) is not { } function)
        {
            return false;
        }
        store.Functions.Remove(function);
        await store.SaveChangesAsync(cancellationToken);
        try
        {
            await deployer.CancelAsync(id);
            await runtime.RemoveAsync(id, CancellationToken.None);
        }
        finally
        {
            repositories.Delete(owner, name);
            builds.Forget(id);
        }
        return true;
    }

    private async Task RecordAsync(Function function, string commit, DeployStatus status, string? error, CancellationToken cancellationToken)
    {
        function.TargetCommit = commit;
        function.Status = status;
        function.Error = Function.Clip(error);
        function.UpdatedAt = DateTime.UtcNow;
        await store.SaveChangesAsync(cancellationToken);
    }

    private static FunctionDeployment Deployment(Function function) =>
        new(new FunctionId(function.Owner, function.Name), function.TargetCommit, function.Public, function.Replicas, function.MaxReplicas);
}

/// <summary>A function whose deploy was started, and the task that ends when its outcome is stored.</summary>
public sealed record Deploying(Function Function, Task Ended);

public enum DeployOutcome
{
    Started,
    UnknownFunction,
    UnknownCommit,
    InvalidConfig,
}
