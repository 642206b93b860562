namespace Klusterkluck.WebConsole;

/// <summary>Section <c>Console</c>: the OpenID Connect client the console signs users in as.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>The provider's issuer; the Api sets it from the configured identity provider.</summary>
    public string Authority { get; set; } = "";

    public string ClientId { get; set; } = "klusterkluck-console";

    /// <summary>Only when the provider registers the console as a confidential client; PKCE is used either way.</summary>
    public string? ClientSecret { get; set; }
}
