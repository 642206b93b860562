using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Data;

public enum StoreProvider
{
    Sqlite,
    PostgreSQL,
}

/// <summary>Section <c>Store</c>: SQLite in the data folder unless PostgreSQL is configured.</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite the default is <c>klusterkluck.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }
}

internal sealed class StoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<StoreOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, StoreOptions options) =>
        options.Provider == StoreProvider.PostgreSQL && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail("Store:ConnectionString is required when Store:Provider is PostgreSQL")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
