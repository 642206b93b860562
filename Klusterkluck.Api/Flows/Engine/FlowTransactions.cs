using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// What the engine's transactions need from each store. PostgreSQL: several replicas at once,
/// so a run's row is locked while its steps change (two steps of one run finishing together must
/// not both miss that a join is now complete) and steps are claimed with SKIP LOCKED. SQLite: one
/// writer at a time anyway, so this process takes turns itself instead of meeting SQLITE_BUSY.
/// </summary>
public sealed class FlowTransactions(IOptions<StoreOptions> options)
{
    private readonly SemaphoreSlim? _sqliteWriter = options.Value.Provider == StoreProvider.Sqlite ? new(1, 1) : null;

    public bool IsPostgres => _sqliteWriter is null;

    /// <summary>Enters a write; dispose to leave. Free on PostgreSQL, where the database orders writers.</summary>
    public async Task<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        if (_sqliteWriter is not null)
        {
            await _sqliteWriter.WaitAsync(cancellationToken);
        }
        return new Turn(_sqliteWriter);
    }

    /// <summary>Inside a transaction: holds the run's row until it commits (PostgreSQL).</summary>
    public Task LockRunAsync(StoreContext store, Guid runId, CancellationToken cancellationToken) => IsPostgres
        ? store.Database.ExecuteSqlRawAsync("""SELECT 1 FROM "FlowRuns" WHERE "Id" = {0} FOR UPDATE""", [runId], cancellationToken)
        : Task.CompletedTask;

    /// <summary>
    /// Claims up to <paramref name="max"/> due steps of one queue (an owner's flow), oldest first,
    /// for the claim <paramref name="token"/> until <paramref name="leaseUntil"/>, in one statement;
    /// returns how many it took.
    /// </summary>
    public Task<int> ClaimAsync(StoreContext store, string owner, string flow, int max, string token, DateTime leaseUntil, DateTime now,
        CancellationToken cancellationToken) =>
        store.Database.ExecuteSqlRawAsync(IsPostgres ? s_claimPostgres : s_claimSqlite, [token, leaseUntil, now, max, owner, flow], cancellationToken);

    /// <summary>
    /// The first owner after <paramref name="after"/> (in the store's order) with a pending step, or
    /// null: a skip scan of the queues' index, one seek per owner however many steps wait.
    /// </summary>
    public async Task<string?> NextOwnerAsync(StoreContext store, string? after, CancellationToken cancellationToken) =>
        await store.Database.SqlQueryRaw<string>(
            """SELECT "Owner" AS "Value" FROM "FlowSteps" WHERE "Status" = 'Pending' AND "Owner" > {0} ORDER BY "Owner" LIMIT 1""",
            after ?? "").ToListAsync(cancellationToken) is [var owner] ? owner : null;

    /// <summary>The first flow of <paramref name="owner"/> after <paramref name="after"/> with a pending step, or null.</summary>
    public async Task<string?> NextFlowAsync(StoreContext store, string owner, string? after, CancellationToken cancellationToken) =>
        await store.Database.SqlQueryRaw<string>(
            """SELECT "FlowName" AS "Value" FROM "FlowSteps" WHERE "Status" = 'Pending' AND "Owner" = {0} AND "FlowName" > {1} ORDER BY "FlowName" LIMIT 1""",
            owner, after ?? "").ToListAsync(cancellationToken) is [var flow] ? flow : null;

    /// <summary>
    /// Running steps whose claim ran out (their engine died, or lost the store for a whole lease)
    /// go back to pending, to be claimed again in their queue's turn; their result, should it still
    /// come, is not recorded (it needs the claim).
    /// </summary>
    public Task<int> ReclaimExpiredAsync(StoreContext store, DateTime now, CancellationToken cancellationToken) =>
        store.FlowSteps.Where(s => s.Status == StepStatus.Running && s.DueAt <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Status, StepStatus.Pending).SetProperty(s => s.LeaseToken, (string?)null), cancellationToken);

    // Both providers run the same statement; PostgreSQL's replicas also skip the rows another one is claiming.
    private static readonly string s_claimSqlite = Claim("");
    private static readonly string s_claimPostgres = Claim("FOR UPDATE SKIP LOCKED");

    private static string Claim(string skipLocked) => $$"""
            UPDATE "FlowSteps" SET "Status" = 'Running', "LeaseToken" = {0}, "DueAt" = {1}, "Attempts" = "Attempts" + 1, "StartedAt" = {2}
            WHERE "Id" IN (
                SELECT "Id" FROM "FlowSteps" WHERE "Status" = 'Pending' AND "Owner" = {4} AND "FlowName" = {5} AND "DueAt" <= {2}
                ORDER BY "DueAt" LIMIT {3} {{skipLocked}})
            """;

    public readonly struct Turn(SemaphoreSlim? writer) : IDisposable
    {
        public void Dispose() => writer?.Release();
    }
}
