using Klusterkluck.Api.Data;
using Klusterkluck.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// The store of one bench run: the Api's embedded default (SQLite in its data folder), or a fresh
/// database on the PostgreSQL server run.sh starts (KK_TEST_POSTGRES), dropped at the end.
/// </summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly string? _database;

    private BenchStore(string name, TempFolder data)
    {
        Data = data;
        if (name == "postgres")
        {
            _database = $"kk_bench_{Guid.NewGuid():N}";
            ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ConnectionString;
        }
        else
        {
            // The Api's own default (Store:ConnectionString unset), named here only to read it.
            ConnectionString = $"Data Source={Path.Combine(data.Path, "klusterkluck.db")}";
        }
    }

    /// <summary>The Api's data folder.</summary>
    public TempFolder Data { get; }

    public string ConnectionString { get; }

    /// <summary>The PostgreSQL database is not created here: the Api's migrations create it, as in production.</summary>
    public static BenchStore Create(string name) => name is "sqlite" or "postgres"
        ? new BenchStore(name, new TempFolder())
        : throw new ArgumentException($"unknown store {name}: sqlite or postgres");

    /// <summary>The environment that points an Api at this store (nothing for SQLite: the default).</summary>
    public Dictionary<string, string> ApiEnvironment() => _database is null
        ? []
        : new() { ["Store__Provider"] = "PostgreSQL", ["Store__ConnectionString"] = ConnectionString };

    public StoreContext Open() => _database is null
        ? new SqliteStoreContext(new DbContextOptionsBuilder<SqliteStoreContext>().UseSqlite(ConnectionString).UseOpenIddict().Options)
        : new PostgresStoreContext(new DbContextOptionsBuilder<PostgresStoreContext>().UseNpgsql(ConnectionString).UseOpenIddict().Options);

    /// <summary>PostgreSQL's postmaster (the parent of every backend), for its CPU time; null for SQLite, which runs inside the Api.</summary>
    public async Task<int?> ServerProcessAsync()
    {
        if (_database is null)
        {
            return null;
        }
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await query.ExecuteScalarAsync())!;
        var stat = await File.ReadAllTextAsync($"/proc/{backend}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ServerConnectionString => Environment.GetEnvironmentVariable("KK_TEST_POSTGRES") is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException("the postgres store needs KK_TEST_POSTGRES: run the bench through bench/flows/run.sh, which starts a server");

    private static async Task ServerCommandAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ServerCommandAsync($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Data.Dispose();
    }
}
