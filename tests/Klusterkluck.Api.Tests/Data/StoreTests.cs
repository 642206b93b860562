using System.Net;
using Klusterkluck.Api.Data;
using Klusterkluck.Api.Identity.Embedded;
using Klusterkluck.Api.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Klusterkluck.Api.Tests.Data;

/// <summary>The same store tests on both providers: SQLite (the embedded default) and PostgreSQL.</summary>
public sealed class StoreTests
{
    public static TheoryData<StoreProvider> Providers() => [StoreProvider.Sqlite, StoreProvider.PostgreSQL];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MigrationsCreateTheWholeModelOnAnEmptyStore(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        await using var db = store.Open();
        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // A model change without its migration for this provider fails here.
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration holds: run dotnet ef migrations add for both providers");
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MigratingTwiceChangesNothing(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        await using (var first = store.Open())
        {
            await first.Database.MigrateAsync();
            first.Tenants.Add(new Tenant { Name = "kept" });
            await first.SaveChangesAsync();
        }
        await using var second = store.Open();
        await second.Database.MigrateAsync();
        Assert.NotNull(await second.Tenants.FindAsync("kept"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UsersAndTenantsRoundTrip(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        var user = new User { UserName = "alice", Email = "alice@example.com", PasswordHash = "hash" };
        await using (var db = store.Open())
        {
            await db.Database.MigrateAsync();
            db.Users.Add(user);
            db.Tenants.Add(new Tenant { Name = "alice" });
            await db.SaveChangesAsync();
        }
        await using var reader = store.Open();
        var read = await reader.Users.SingleAsync(u => u.UserName == "alice");
        Assert.Equal(user.Id, read.Id);
        Assert.Equal("alice@example.com", read.Email);
        Assert.Equal("hash", read.PasswordHash);
        Assert.Equal(user.CreatedAt, read.CreatedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal("alice", (await reader.Tenants.SingleAsync()).Name);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheStoreItselfRefusesASecondUserWithTheSameNameOrEmail(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        await using (var db = store.Open())
        {
            await db.Database.MigrateAsync();
            db.Users.Add(new User { UserName = "bob", Email = "bob@example.com", PasswordHash = "x" });
            await db.SaveChangesAsync();
        }
        foreach (var twin in new[]
        {
            new User { UserName = "bob", Email = "other@example.com", PasswordHash = "x" },
            new User { UserName = "bobby", Email = "bob@example.com", PasswordHash = "x" },
            new User { UserName = "robert", Email = "BOB@Example.COM", PasswordHash = "x" },
        })
        {
            await using var db = store.Open();
            db.Users.Add(twin);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MigratingExistingUsersLowerCasesTheirEmailsAndKeepsCaseTwinsApart(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        await using var db = store.Open();
        var migrations = db.Database.GetMigrations().ToList();
        var invites = migrations.FindIndex(m => m.EndsWith("_Invites", StringComparison.Ordinal));
        await db.GetService<IMigrator>().MigrateAsync(migrations[invites - 1]);
        var first = DateTime.UtcNow.AddDays(-2);
        // Rows as the store held them before emails were normalised: two differ only in case.
        foreach (var (name, email, createdAt) in new[] { ("alice", "Alice@Example.com", first), ("alias", "ALICE@example.com", first.AddDays(1)), ("bob", "bob@example.com", first) })
        {
            var id = Guid.NewGuid();
            object key = provider == StoreProvider.Sqlite ? id.ToString().ToUpperInvariant() : id;
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "Users" ("Id", "UserName", "Email", "PasswordHash", "CreatedAt") VALUES ({key}, {name}, {email}, 'x', {createdAt})""");
        }

        await db.Database.MigrateAsync();

        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.UserName);
        Assert.Equal("alice@example.com", users["alice"].NormalizedEmail);
        Assert.Equal($"alice@example.com#{users["alias"].Id}", users["alias"].NormalizedEmail, ignoreCase: true);
        Assert.Equal("bob@example.com", users["bob"].NormalizedEmail);
        Assert.Equal("ALICE@example.com", users["alias"].Email);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MigratingFlowStepsPutsEachInItsRunsQueue(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        await using var db = store.Open();
        var migrations = db.Database.GetMigrations().ToList();
        var queues = migrations.FindIndex(m => m.EndsWith("_FlowQueues", StringComparison.Ordinal));
        await db.GetService<IMigrator>().MigrateAsync(migrations[queues - 1]);
        var (deployment, run, step) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        object Key(Guid id) => provider == StoreProvider.Sqlite ? id.ToString().ToUpperInvariant() : id;
        var now = DateTime.UtcNow;
        // A pending step as the store held it before steps knew their owner and flow.
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "Tenants" ("Name", "CreatedAt") VALUES ('erin', {now})""");
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "Flows" ("Owner", "Name", "Definition", "EventToken", "CreatedAt", "UpdatedAt") VALUES ('erin', 'orders', 'x', 't', {now}, {now})""");
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "FlowDeployments" ("Id", "Owner", "FlowName", "Definition", "CreatedAt") VALUES ({Key(deployment)}, 'erin', 'orders', 'x', {now})""");
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "FlowRuns" ("Id", "Owner", "FlowName", "DeploymentId", "SourceNode", "EventKey", "Status", "AcceptedAt") VALUES ({Key(run)}, 'erin', 'orders', {Key(deployment)}, 'in', 'k', 'Running', {now})""");
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "FlowSteps" ("Id", "RunId", "DeploymentId", "NodeId", "Key", "Status", "Attempts", "DueAt", "CreatedAt") VALUES ({Key(step)}, {Key(run)}, {Key(deployment)}, 'a', 'a<x', 'Pending', 0, {now}, {now})""");

        await db.Database.MigrateAsync();

        var migrated = await db.FlowSteps.AsNoTracking().SingleAsync(s => s.Id == step);
        Assert.Equal(("erin", "orders"), (migrated.Owner, migrated.FlowName));
        Assert.Null((await db.FlowRuns.AsNoTracking().SingleAsync(r => r.Id == run)).Error);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentFirstUsesOfATenantMakeExactlyOne(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        await using (var db = store.Open())
        {
            await db.Database.MigrateAsync();
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = store.Open();
            return (await new TenantStore(db).EnsureAsync("carol", CancellationToken.None)).Name;
        }));
        Assert.All(results, name => Assert.Equal("carol", name));
        await using var check = store.Open();
        Assert.Equal(1, await check.Tenants.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheApiRegistersLogsInAndRestartsOnThisStore(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        using var data = new TempFolder();
        string username, password, accessToken;
        int port;
        await using (var api = await ApiProcess.StartAsync(data.Path, store.ApiEnvironment()))
        {
            port = api.Port;
            (username, password) = await api.RegisterAsync("store");
            accessToken = (await api.LoginAsync(username, password)).GetProperty("accessToken").GetString()!;
        }
        await using (var db = store.Open())
        {
            Assert.True(await db.Users.AnyAsync(u => u.UserName == username));
            Assert.True(await db.Tenants.AnyAsync(t => t.Name == username));
        }

        await using var restarted = await ApiProcess.StartAsync(data.Path, store.ApiEnvironment(), port);
        using var whoami = await restarted.WhoAmIAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        await restarted.LoginAsync(username, password);
    }
}
