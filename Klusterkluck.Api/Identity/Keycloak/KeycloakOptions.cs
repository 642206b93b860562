using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Identity.Keycloak;

/// <summary>
/// Section <c>Keycloak</c>, with the keys of the adapter configuration Keycloak's console exports
/// (<c>realm</c>, <c>auth-server-url</c>, <c>resource</c>, <c>ssl-required</c>,
/// <c>verify-token-audience</c>, <c>credentials:secret</c>), plus <c>admin</c>: the
/// service-account client the Api registers users with.
/// </summary>
public sealed class KeycloakOptions
{
    public const string Section = "Keycloak";

    [Required(ErrorMessage = "Keycloak:realm is required"), ConfigurationKeyName("realm")]
    public string Realm { get; set; } = "";

    [Required(ErrorMessage = "Keycloak:auth-server-url is required"), Url(ErrorMessage = "Keycloak:auth-server-url must be an http(s) URL")]
    [ConfigurationKeyName("auth-server-url")]
    public string AuthServerUrl { get; set; } = "";

    /// <summary>The client users log in through (direct access grants enabled); also the expected audience.</summary>
    [Required(ErrorMessage = "Keycloak:resource is required"), ConfigurationKeyName("resource")]
    public string Resource { get; set; } = "";

    /// <summary><c>all</c>, <c>external</c> (https except for loopback and private addresses) or <c>none</c>.</summary>
    [RegularExpression("^(all|external|none)$", ErrorMessage = "Keycloak:ssl-required must be all, external or none")]
    [ConfigurationKeyName("ssl-required")]
    public string SslRequired { get; set; } = "external";

    [ConfigurationKeyName("verify-token-audience")]
    public bool VerifyTokenAudience { get; set; } = true;

    [ConfigurationKeyName("credentials")]
    public KeycloakCredentials Credentials { get; set; } = new();

    [ConfigurationKeyName("admin")]
    public KeycloakAdminClientOptions Admin { get; set; } = new();

    public string Authority => $"{AuthServerUrl.TrimEnd('/')}/realms/{Uri.EscapeDataString(Realm)}";

    public Uri TokenEndpoint => new($"{Authority}/protocol/openid-connect/token");

    public Uri AdminUsers => new($"{AuthServerUrl.TrimEnd('/')}/admin/realms/{Uri.EscapeDataString(Realm)}/users");
}

public sealed class KeycloakCredentials
{
    /// <summary>Only for a confidential client; a public client has none.</summary>
    [ConfigurationKeyName("secret")]
    public string? Secret { get; set; }
}

/// <summary>A confidential client with a service account holding realm-management's manage-users role.</summary>
public sealed class KeycloakAdminClientOptions
{
    [ConfigurationKeyName("resource")]
    public string Resource { get; set; } = "";

    [ConfigurationKeyName("credentials")]
    public KeycloakCredentials Credentials { get; set; } = new();
}
