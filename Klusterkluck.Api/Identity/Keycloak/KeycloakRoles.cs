using System.Security.Claims;
using System.Text.Json;

namespace Klusterkluck.Api.Identity.Keycloak;

/// <summary>
/// Keycloak puts roles in JSON claims: <c>realm_access.roles</c> for realm roles and
/// <c>resource_access.{client}.roles</c> per client. The Api reads realm roles and the roles of
/// its own client as plain role claims.
/// </summary>
internal static class KeycloakRoles
{
    public static IEnumerable<string> From(ClaimsPrincipal principal, string client)
    {
        foreach (var claim in principal.FindAll("realm_access"))
        {
            foreach (var role in Roles(claim.Value, null))
            {
                yield return role;
            }
        }
        foreach (var claim in principal.FindAll("resource_access"))
        {
            foreach (var role in Roles(claim.Value, client))
            {
                yield return role;
            }
        }
    }

    private static List<string> Roles(string json, string? client)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var holder = document.RootElement;
            if (client is not null && !(holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(client, out holder)))
            {
                return [];
            }
            return holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array
                ? roles.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
