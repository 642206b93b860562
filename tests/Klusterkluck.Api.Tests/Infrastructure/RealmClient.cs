using System.Text.Json;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>A client of the realm export, as far as Keycloak's login, token and logout endpoints read it.</summary>
public sealed record RealmClient(
    string ClientId,
    bool PublicClient,
    bool StandardFlow,
    bool DirectAccessGrants,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    string? PkceMethod,
    IReadOnlyList<string> Audiences)
{
    public static RealmClient From(JsonElement client)
    {
        var attributes = client.TryGetProperty("attributes", out var a) ? a : default;
        string? Attribute(string name) =>
            attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(name, out var value) ? value.GetString() : null;
        var redirects = client.TryGetProperty("redirectUris", out var r) ? r.EnumerateArray().Select(u => u.GetString()!).ToList() : [];
        // Keycloak keeps post-logout URIs in one attribute, "##"-separated; "+" means the redirect URIs.
        var postLogout = (Attribute("post.logout.redirect.uris") ?? "").Split("##", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(u => u == "+" ? redirects : [u]).ToList();
        return new RealmClient(
            client.GetProperty("clientId").GetString()!,
            client.GetProperty("publicClient").GetBoolean(),
            !client.TryGetProperty("standardFlowEnabled", out var standard) || standard.GetBoolean(),
            client.TryGetProperty("directAccessGrantsEnabled", out var direct) && direct.GetBoolean(),
            redirects,
            postLogout,
            Attribute("pkce.code.challenge.method"),
            RealmExport.AudiencesOf(client));
    }

    /// <summary>Keycloak's rule: exact, or a prefix when the registered URI ends with <c>*</c>.</summary>
    public bool AllowsRedirect(string uri) => Matches(RedirectUris, uri);

    public bool AllowsPostLogoutRedirect(string uri) => Matches(PostLogoutRedirectUris, uri);

    private static bool Matches(IEnumerable<string> registered, string uri) => registered.Any(r =>
        r.EndsWith('*') ? uri.StartsWith(r[..^1], StringComparison.Ordinal) : string.Equals(r, uri, StringComparison.Ordinal));
}
