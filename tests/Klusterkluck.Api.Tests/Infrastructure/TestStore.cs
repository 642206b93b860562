using Klusterkluck.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>
/// An empty store of the test's own: a SQLite file in a temp folder, or a fresh database on the
/// PostgreSQL server scripts/test.sh starts (KK_TEST_POSTGRES). Dropped when the test ends.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly TempFolder? _folder;
    private readonly string? _database;

    private TestStore(StoreProvider provider)
    {
        Provider = provider;
        if (provider == StoreProvider.Sqlite)
        {
            _folder = new TempFolder();
            ConnectionString = $"Data Source={Path.Combine(_folder.Path, "store.db")}";
        }
        else
        {
            _database = $"kk_test_{Guid.NewGuid():N}";
            ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ConnectionString;
        }
    }

    public StoreProvider Provider { get; }

    public string ConnectionString { get; }

    public static TestStore Create(StoreProvider provider) => new(provider);

    /// <summary>The environment that points an Api at this store.</summary>
    public Dictionary<string, string> ApiEnvironment() => new()
    {
        ["Store__Provider"] = Provider.ToString(),
        ["Store__ConnectionString"] = ConnectionString,
    };

    public StoreContext Open() => Provider == StoreProvider.Sqlite
        ? new SqliteStoreContext(new DbContextOptionsBuilder<SqliteStoreContext>().UseSqlite(ConnectionString).UseOpenIddict().Options)
        : new PostgresStoreContext(new DbContextOptionsBuilder<PostgresStoreContext>().UseNpgsql(ConnectionString).UseOpenIddict().Options);

    private static string ServerConnectionString => Environment.GetEnvironmentVariable("KK_TEST_POSTGRES") is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException("the PostgreSQL tests need KK_TEST_POSTGRES: run them through scripts/test.sh, which starts a server");

    public async ValueTask DisposeAsync()
    {
        _folder?.Dispose();
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(ServerConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
