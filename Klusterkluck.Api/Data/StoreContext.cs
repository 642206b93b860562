using Klusterkluck.Api.Flows;
using Klusterkluck.Api.Functions;
using Klusterkluck.Api.Identity.Embedded;
using Klusterkluck.Api.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Klusterkluck.Api.Data;

/// <summary>
/// The control plane's store. One model, two providers: each provider has its own subclass so
/// that each keeps its own migrations (SQL differs between SQLite and PostgreSQL).
/// OpenIddict's tables (applications, authorizations, scopes, tokens) live here too.
/// </summary>
public abstract class StoreContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<User> Users => Set<User>();

    public DbSet<Invite> Invites => Set<Invite>();

    public DbSet<Function> Functions => Set<Function>();

    public DbSet<Flow> Flows => Set<Flow>();

    public DbSet<FlowDeployment> FlowDeployments => Set<FlowDeployment>();

    public DbSet<FlowRun> FlowRuns => Set<FlowRun>();

    public DbSet<FlowStep> FlowSteps => Set<FlowStep>();

    public DbSet<UsageRecord> Usage => Set<UsageRecord>();

    /// <summary>
    /// Every time the store holds is UTC. SQLite keeps a DateTime as text without its kind, so one
    /// read back would be Unspecified and serialized without its Z; PostgreSQL's timestamptz reads
    /// back as UTC already. Marking what is read as UTC, once for every column, makes both alike.
    /// The column types stay as they are: the migrations see no change.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.HasKey(t => t.Name);
            tenant.Property(t => t.Name).HasMaxLength(Tenant.MaxNameLength);
        });
        modelBuilder.Entity<User>(user =>
        {
            user.HasKey(u => u.Id);
            user.Property(u => u.UserName).HasMaxLength(Tenant.MaxNameLength);
            user.Property(u => u.Email).HasMaxLength(254);
            // Longer than an address: the migration that added it set rows whose addresses
            // differed only in case apart with a suffix (see the RegistrationPolicy migration).
            user.Property(u => u.NormalizedEmail).HasMaxLength(300);
            user.HasIndex(u => u.UserName).IsUnique();
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
        });
        modelBuilder.Entity<Invite>(invite =>
        {
            invite.HasKey(i => i.Id);
            invite.Property(i => i.CodeHash).HasMaxLength(Invite.HashLength);
            invite.HasIndex(i => i.CodeHash).IsUnique();
            invite.Property(i => i.CreatedBy).HasMaxLength(Tenant.MaxNameLength);
            invite.Property(i => i.UsedBy).HasMaxLength(Tenant.MaxNameLength);
        });
        modelBuilder.Entity<Function>(function =>
        {
            function.HasKey(f => new { f.Owner, f.Name });
            function.HasOne<Tenant>().WithMany().HasForeignKey(f => f.Owner).OnDelete(DeleteBehavior.Cascade);
            function.Property(f => f.Owner).HasMaxLength(Tenant.MaxNameLength);
            function.Property(f => f.Name).HasMaxLength(Function.MaxNameLength);
            function.Property(f => f.Kind).HasMaxLength(16);
            function.Property(f => f.DeployedCommit).HasMaxLength(40);
            function.Property(f => f.TargetCommit).HasMaxLength(40);
            function.Property(f => f.Status).HasConversion<string>().HasMaxLength(16);
            function.Property(f => f.Error).HasMaxLength(Function.MaxErrorLength);
        });
        modelBuilder.Entity<UsageRecord>(usage =>
        {
            // The flusher's upserts name this table and its columns in SQL (UsageFlusher).
            usage.ToTable("Usage");
            usage.HasKey(u => new { u.Owner, u.Function, u.Minute });
            usage.Property(u => u.Owner).HasMaxLength(Tenant.MaxNameLength);
            usage.Property(u => u.Function).HasMaxLength(Function.MaxNameLength);
            // Retention deletes by minute, across owners.
            usage.HasIndex(u => u.Minute);
        });
        FlowModel.Configure(modelBuilder);
    }
}

/// <summary>Writes a DateTime as it is (the code stores UtcNow); reads it back marked as UTC.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value,
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));

public sealed class SqliteStoreContext(DbContextOptions<SqliteStoreContext> options) : StoreContext(options);

public sealed class PostgresStoreContext(DbContextOptions<PostgresStoreContext> options) : StoreContext(options);
