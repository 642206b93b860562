using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Klusterkluck.Api.Tenants;

namespace Klusterkluck.Api.Identity;

/// <summary>
/// Usernames become URL segments, host labels (<c>{user}.{domain}</c>) and namespace names
/// (<c>kk-{user}</c>), so they are DNS-1123 labels: lowercase letters, digits and inner hyphens.
/// </summary>
public static partial class UserNames
{
    public const int MinLength = 2;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    public static bool IsValid(string? name) =>
        name is { Length: >= MinLength and <= Tenant.MaxNameLength } && Label().IsMatch(name);
}

/// <summary>Validates a username with <see cref="UserNames.IsValid"/>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class UserNameAttribute : ValidationAttribute
{
    public UserNameAttribute()
        : base($"must be {UserNames.MinLength} to {Tenant.MaxNameLength} lowercase letters, digits or '-', starting and ending with a letter or digit")
    {
    }

    public override bool IsValid(object? value) => value is null || UserNames.IsValid(value as string);
}
