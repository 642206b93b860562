using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>
/// deploy/keycloak's realm export, read the way Keycloak's --import-realm reads it, as far as the
/// Api depends on it: the Keycloak double is configured from this file, so the tests also check
/// that the export holds what the Api needs.
/// </summary>
public sealed partial record RealmExport(
    string Realm,
    int AccessTokenLifespan,
    int PasswordMinLength,
    int PasswordMinDigits,
    string LoginClient,
    IReadOnlyList<string> LoginAudiences,
    string AdminClient,
    string AdminSecret,
    IReadOnlyList<string> AdminRealmManagementRoles,
    IReadOnlyList<string> DefaultRealmRoles,
    IReadOnlyDictionary<string, string[]> DefaultClientRoles,
    bool RegistrationAllowed,
    IReadOnlyList<RealmClient> Clients)
{
    public RealmClient? Client(string clientId) => Clients.SingleOrDefault(c => c.ClientId == clientId);

    public static RealmExport Load()
    {
        var path = typeof(RealmExport).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RealmExport").Value!;
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        var realm = root.GetProperty("realm").GetString()!;
        var clients = root.GetProperty("clients").EnumerateArray().ToList();

        var login = clients.Single(c => c.GetProperty("publicClient").GetBoolean() && c.GetProperty("directAccessGrantsEnabled").GetBoolean());
        var audiences = AudiencesOf(login);

        var admin = clients.Single(c => c.GetProperty("serviceAccountsEnabled").GetBoolean());
        var adminId = admin.GetProperty("clientId").GetString()!;
        var serviceAccount = root.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("serviceAccountClientId").GetString() == adminId);
        var managementRoles = serviceAccount.GetProperty("clientRoles").GetProperty("realm-management").EnumerateArray().Select(r => r.GetString()!).ToList();

        var composites = root.GetProperty("defaultRole").GetProperty("composites");
        var policy = root.GetProperty("passwordPolicy").GetString()!;
        return new RealmExport(
            realm,
            root.GetProperty("accessTokenLifespan").GetInt32(),
            PolicyNumber(policy, "length"),
            PolicyNumber(policy, "digits"),
            login.GetProperty("clientId").GetString()!,
            audiences,
            adminId,
            admin.GetProperty("secret").GetString()!,
            managementRoles,
            [root.GetProperty("defaultRole").GetProperty("name").GetString()!, .. composites.GetProperty("realm").EnumerateArray().Select(r => r.GetString()!)],
            composites.GetProperty("client").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.EnumerateArray().Select(r => r.GetString()!).ToArray()),
            root.GetProperty("registrationAllowed").GetBoolean(),
            clients.Select(RealmClient.From).ToList());
    }

    /// <summary>The audiences the client's audience mappers put in its access tokens.</summary>
    internal static List<string> AudiencesOf(JsonElement client) => client.TryGetProperty("protocolMappers", out var mappers)
        ? mappers.EnumerateArray()
            .Where(m => m.GetProperty("protocolMapper").GetString() == "oidc-audience-mapper"
                && m.GetProperty("config").GetProperty("access.token.claim").GetString() == "true")
            .Select(m => m.GetProperty("config").GetProperty("included.client.audience").GetString()!).ToList()
        : [];

    private static int PolicyNumber(string policy, string name) =>
        Policy().Matches(policy).Where(m => m.Groups[1].Value == name).Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();

    [GeneratedRegex(@"(\w+)\((\d+)\)")]
    private static partial Regex Policy();
}
