using System.ComponentModel.DataAnnotations;
using Klusterkluck.Api.Tenants;

namespace Klusterkluck.Api.Identity;

/// <summary>Usernames are DNS-1123 labels short enough for <c>kk-{user}</c> and for hosts <c>{user}.{domain}</c>.</summary>
public static class UserNames
{
    public static bool IsValid(string? name) => DnsLabel.IsValid(name, Tenant.MaxNameLength);
}

/// <summary>Validates a username with <see cref="UserNames.IsValid"/>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class UserNameAttribute() : ValidationAttribute(DnsLabel.Rule(Tenant.MaxNameLength))
{
    public override bool IsValid(object? value) => value is null || UserNames.IsValid(value as string);
}
