namespace Klusterkluck.Api.Tenants;

/// <summary>
/// A user's tenant: the boundary around everything the user owns. Named after the user; in
/// Kubernetes it becomes the namespace <c>kk-{name}</c>.
/// </summary>
public sealed class Tenant
{
    /// <summary>Usernames are DNS-1123 labels short enough for <c>kk-{name}</c> and for URL hosts.</summary>
    public const int MaxNameLength = 40;

    public required string Name { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
