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

    /// <summary>
    /// Embedded: origins (<c>https://console.example.com</c>) a web console is served from besides
    /// the issuer's and the Api's loopback addresses; each gets the console client's
    /// <c>/signin-oidc</c> and <c>/signout-callback-oidc</c> redirect URIs.
    /// </summary>
    public List<string> ConsoleOrigins { get; set; } = [];

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Who may register: <c>Open</c>, <c>Closed</c> or <c>Invite</c>. Unset: <c>Open</c> while the
    /// Api listens on loopback only (a developer's machine), <c>Invite</c> as soon as it listens
    /// anywhere else, so an exposed Api never lets strangers in by default.
    /// </summary>
    public Registration.RegistrationMode? Registration { get; set; }

    /// <summary>Users who are admins (may create invites); <see cref="Admin"/> adds one more, for a single admin.</summary>
    public List<string> Admins { get; set; } = [];

    public string? Admin { get; set; }

    /// <summary>How long an invite stays usable.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromDays(7);

    public IEnumerable<string> AllAdmins() => Admin is { Length: > 0 } one ? Admins.Append(one) : Admins;
}
