using Microsoft.Extensions.Options;
using Klusterkluck.Api.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Data;

public static class StoreExtensions
{
    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();

        // The provider decides which context (and so which migrations) is registered as StoreContext.
        var options = builder.Configuration.Peek<StoreOptions>(StoreOptions.Section);
        var connectionString = options.ConnectionString;
        if (options.Provider == StoreProvider.PostgreSQL)
        {
            builder.Services.AddDbContext<StoreContext, PostgresStoreContext>(db => db
                .UseNpgsql(connectionString)
                .UseOpenIddict());
        }
        else
        {
            builder.Services.AddDbContext<StoreContext, SqliteStoreContext>((services, db) => db
                .UseSqlite(connectionString ?? SqliteDefault(services.GetRequiredService<DataFolder>()))
                .UseOpenIddict());
        }
        return builder;
    }

    public static string SqliteDefault(DataFolder folder) => $"Data Source={folder.Combine("klusterkluck.db")}";

    /// <summary>Applies pending migrations; EF Core takes a lock, so several replicas may start at once.</summary>
    public static async Task MigrateStoreAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<StoreContext>().Database.MigrateAsync();
    }
}
