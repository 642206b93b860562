using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Identity;

public sealed record RegisterRequest(
    [property: Required, UserName] string Username,
    [property: Required, StringLength(128, MinimumLength = 8)] string Password,
    [property: Required, EmailAddress, StringLength(254)] string Email,
    [property: StringLength(64)] string? Invite = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Username is { Length: > 0 } && Password?.Contains(Username, StringComparison.OrdinalIgnoreCase) == true)
        {
            yield return new ValidationResult("must not contain the username", [nameof(Password)]);
        }
    }
}

public sealed record LoginRequest(
    [property: Required, StringLength(254)] string Username,
    [property: Required, StringLength(128)] string Password);

public sealed record RefreshRequest([property: Required, StringLength(16384)] string RefreshToken);

public sealed record TokenResponse(string AccessToken, string? RefreshToken, int ExpiresIn, string TokenType);

public sealed record RegisteredUser(string Username, string Email, string Tenant);

public sealed record WhoAmIResponse(string Username, string? Email, string Tenant, IReadOnlyList<string> Roles, string Provider);
