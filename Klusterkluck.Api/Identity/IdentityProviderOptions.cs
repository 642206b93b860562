namespace Klusterkluck.Api.Identity;

public enum IdentityProviderKind
{
    Embedded,
    Keycloak,
}

/// <summary>Section <c>Identity</c>: which provider issues the tokens, and how the embedded one issues them.</summary>
public sealed class IdentityProviderOptions
{
    public const string Section = "Identity";

    public IdentityProviderKind Provider { get; set; } = IdentityProviderKind.Embedded;

    /// <summary>
    /// Embedded: the issuer URL put in every token and served in discovery. Default: the first
    /// URL the Api listens on, with a wildcard host read as localhost. Set it to the public URL
    /// when the Api sits behind an ingress.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Embedded: the audience of every access token; workers check it.</summary>
    public string Audience { get; set; } = "klusterkluck";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}
