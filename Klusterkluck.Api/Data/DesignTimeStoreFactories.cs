using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Klusterkluck.Api.Data;

// Used only by `dotnet ef migrations add`; no database is opened.
internal sealed class DesignTimeSqliteStoreFactory : IDesignTimeDbContextFactory<SqliteStoreContext>
{
    public SqliteStoreContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteStoreContext>().UseSqlite("Data Source=design.db").UseOpenIddict().Options);
}

internal sealed class DesignTimePostgresStoreFactory : IDesignTimeDbContextFactory<PostgresStoreContext>
{
    public PostgresStoreContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresStoreContext>().UseNpgsql("Host=localhost").UseOpenIddict().Options);
}
