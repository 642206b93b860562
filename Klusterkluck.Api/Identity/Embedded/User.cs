namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>A user of the embedded provider (Keycloak keeps its own).</summary>
public sealed class User
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public required string UserName { get; init; }

    /// <summary>As the user wrote it; <see cref="NormalizedEmail"/> is what is unique.</summary>
    public required string Email
    {
        get;
        init
        {
            field = value;
            NormalizedEmail = NormalizeEmail(value);
        }
    }

    /// <summary>
    /// Email addresses are one account whatever their case (<c>ALICE@example.com</c> is
    /// <c>alice@EXAMPLE.com</c>), so uniqueness is checked on the lower-cased form.
    /// </summary>
    public string NormalizedEmail { get; private set; } = "";

    /// <summary>ASP.NET Core Identity's PBKDF2 format, with its version marker, so old hashes can be upgraded on login.</summary>
    public required string PasswordHash { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
