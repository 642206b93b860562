using Klusterkluck.Api.Identity;

namespace Klusterkluck.Api.Tenants;

/// <summary>The caller's username is their tenant: everything they own is looked up under it.</summary>
public static class Callers
{
    /// <summary>
    /// An endpoint filter for whatever acts on a tenant (whoami, functions): a user created in
    /// Keycloak directly may have a name no URL or namespace can carry, and owns nothing.
    /// </summary>
    public static async ValueTask<object?> RequireTenantName(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var name = context.HttpContext.User.Identity?.Name;
        if (!UserNames.IsValid(name))
        {
            return TypedResults.Problem($"The username '{name}' is not a DNS-1123 label, so it cannot own a tenant.",
                statusCode: StatusCodes.Status403Forbidden, title: "Unusable username");
        }
        return await next(context);
    }
}
