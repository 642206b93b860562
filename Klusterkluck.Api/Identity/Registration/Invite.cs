namespace Klusterkluck.Api.Identity.Registration;

/// <summary>
/// A single-use registration code, as the store keeps it: only the code's SHA-256, so a leaked
/// store (or backup) holds no usable codes. The code itself is shown once, to whoever created it.
/// </summary>
public sealed class Invite
{
    public const int HashLength = 64;

    public Guid Id { get; init; } = Guid.NewGuid();

    /// <summary>Lower-case hex SHA-256 of the code.</summary>
    public required string CodeHash { get; init; }

    /// <summary>The admin who created it; null for the code the Api logs at start for the first admin.</summary>
    public string? CreatedBy { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public required DateTime ExpiresAt { get; init; }

    public string? UsedBy { get; set; }

    public DateTime? UsedAt { get; set; }
}
