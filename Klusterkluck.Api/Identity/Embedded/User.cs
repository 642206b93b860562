namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>A user of the embedded provider (Keycloak keeps its own).</summary>
public sealed class User
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public required string UserName { get; init; }

    public required string Email { get; init; }

    /// <summary>ASP.NET Core Identity's PBKDF2 format, with its version marker, so old hashes can be upgraded on login.</summary>
    public required string PasswordHash { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
