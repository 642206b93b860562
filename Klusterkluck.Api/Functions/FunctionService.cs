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
    UserLimits limits, BuildService builds, Throttling.FunctionThrottles throttles)
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
        limits.CheckReplicas(request.Minimum, request.MaxReplicas);
        CheckScalesToZero(request.Minimum);
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
            Replicas = request.Minimum,
            MaxReplicas = request.MaxReplicas > request.Minimum ? request.MaxReplicas : null,
            TargetConcurrency = request.TargetConcurrency,
            IdleTimeoutSeconds = request.IdleTimeoutSeconds,
            RateLimit = request.RateLimit,
            RateLimitWindowSeconds = request.RateLimitWindowSeconds,
            MaxInFlight = request.MaxInFlight,
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
        throttles.Set(new FunctionId(owner, function.Name), Throttling.ThrottleSettings.Of(function));
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

    /// <summary>
    /// Changes the function's settings (absent ones stay) and puts them in force: the serving commit
    /// is deployed again with them, blue/green, so the function keeps answering meanwhile (a throttle
    /// is in force at once; only one that appears or goes redeploys, for the routes). Null when
    /// the caller has no such function.
    /// </summary>
    /// <exception cref="SettingsException">The settings that would result do not go together.</exception>
    public async Task<Deploying?> UpdateAsync(string owner, string name, UpdateFunctionRequest request, CancellationToken cancellationToken)
    {
        if (!FunctionNameAttribute.IsValidName(name))
        {
            return null;
        }
        using var _ = await locks.AcquireAsync(new FunctionId(owner, name), cancellationToken);
        if (await FindAsync(owner, name, cancellationToken) is not { } function)
        {
            return null;
        }
        var min = request.MinReplicas ?? function.Replicas;
        var max = request.MaxReplicas is { } asked ? asked == 0 ? null : asked : function.MaxReplicas;
        if (FunctionRules.BadMaximum(min, max) is { } problem)
        {
            throw new SettingsException("maxReplicas", problem);
        }
        limits.CheckReplicas(min, max);
        CheckScalesToZero(min);
        var wasThrottled = Throttling.ThrottleSettings.Of(function) is not null;
        function.Public = request.Public ?? function.Public;
        function.Replicas = min;
        function.MaxReplicas = max > min ? max : null;
        function.TargetConcurrency = request.TargetConcurrency is { } target ? target == 0 ? null : target : function.TargetConcurrency;
        function.IdleTimeoutSeconds = request.IdleTimeoutSeconds ?? function.IdleTimeoutSeconds;
        function.RateLimit = request.RateLimit is { } rate ? rate == 0 ? null : rate : function.RateLimit;
        function.RateLimitWindowSeconds = function.RateLimit is null ? null : request.RateLimitWindowSeconds ?? function.RateLimitWindowSeconds;
        function.MaxInFlight = request.MaxInFlight is { } most ? most == 0 ? null : most : function.MaxInFlight;
        if (request.RateLimitWindowSeconds is not null && function.RateLimit is null)
        {
            throw new SettingsException("rateLimitWindowSeconds", FunctionRules.WindowWithoutLimit);
        }
        var throttle = Throttling.ThrottleSettings.Of(function);
        // A throttle that appears or goes changes the routes (on Kubernetes, whether the function keeps an Ingress of its own): a redeploy.
        if (!request.ChangesDeployment && wasThrottled == (throttle is not null))
        {
            await store.SaveChangesAsync(cancellationToken);
            // In force once stored, at the gateway: no replica restarts for new limits.
            throttles.Set(new FunctionId(owner, name), throttle);
            return new Deploying(function, Task.CompletedTask);
        }
        // The latest deploy's commit (one under way gets the settings too, after it), unless it failed: then the one that serves.
        var commit = function.Status == DeployStatus.Failed ? function.DeployedCommit ?? function.TargetCommit : function.TargetCommit;
        await RecordAsync(function, commit, DeployStatus.Deploying, null, cancellationToken);
        throttles.Set(new FunctionId(owner, name), throttle);
        return new Deploying(function, deployer.Start(Deployment(function)));
    }

    /// <summary>A minimum of 0 only where the runtime brings a function back from zero.</summary>
    private void CheckScalesToZero(int min)
    {
        if (min == 0 && !runtime.ScalesToZero)
        {
            throw new SettingsException("minReplicas", "This platform's runtime does not scale functions to zero: minReplicas must be at least 1.");
        }
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
        throttles.Set(id, null);
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

    private static FunctionDeployment Deployment(Function function) => function.DeploymentAt(function.TargetCommit);
}

/// <summary>Settings that are each valid but do not go together (or that this platform cannot honour); a 400 on that field.</summary>
public sealed class SettingsException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
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
