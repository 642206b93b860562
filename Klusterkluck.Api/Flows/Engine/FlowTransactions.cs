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
    /// Claims up to <paramref name="max"/> due steps (pending ones whose backoff is over, running
    /// ones whose claim ran out) for <paramref name="lease"/>, in one statement; returns the claim's token.
    /// </summary>
    public async Task<string> ClaimAsync(StoreContext store, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        await store.Database.ExecuteSqlRawAsync(IsPostgres ? s_claimPostgres : s_claimSqlite, [token, now + lease, now, max], cancellationToken);
        return token;
    }

    // Both providers run the same statement; PostgreSQL's replicas also skip the rows another one is claiming.
    private static readonly string s_claimSqlite = Claim("");
    private static readonly string s_claimPostgres = Claim("FOR UPDATE SKIP LOCKED");

    private static string Claim(string skipLocked) => $$"""
            UPDATE "FlowSteps" SET "Status" = 'Running', "LeaseToken" = {0}, "DueAt" = {1}, "Attempts" = "Attempts" + 1, "StartedAt" = {2}
            WHERE "Id" IN (
                SELECT "Id" FROM "FlowSteps" WHERE "Status" IN ('Pending', 'Running') AND "DueAt" <= {2}
                ORDER BY "DueAt" LIMIT {3} {{skipLocked}})
            """;

    public readonly struct Turn(SemaphoreSlim? writer) : IDisposable
    {
        public void Dispose() => writer?.Release();
    }
}
