using Microsoft.Extensions.Configuration;

namespace Klusterkluck.AppHost.Platform;

/// <summary>The switch between the Api's embedded defaults and the full stack (PostgreSQL, Keycloak).</summary>
internal static class FullStack
{
    /// <summary>The configuration value that asks for the full stack in a local run: <c>--FullStack true</c>.</summary>
    public const string Switch = "FullStack";

    /// <summary>Asked for, or publishing: a cluster always gets the full stack.</summary>
    public static bool FullStackWanted(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode || builder.Configuration.GetValue(Switch, false);

    /// <summary>
    /// Points the Api at PostgreSQL and Keycloak, as deploy/ does, and makes it wait for both. The
    /// realm's <c>klusterkluck-admin</c> client registers users and exchanges tokens for flows;
    /// its secret is the <c>keycloak-client-secret</c> parameter, which must match the realm export's.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithFullStack(this IResourceBuilder<ProjectResource> api,
        IResourceBuilder<PostgresDatabaseResource> store, IResourceBuilder<ContainerResource> keycloak)
    {
        var clientSecret = api.ApplicationBuilder.AddParameter("keycloak-client-secret", secret: true);
        return api
            .WithEnvironment("Store__Provider", "PostgreSQL")
            .WithEnvironment("Store__ConnectionString", store)
            .WithEnvironment("Identity__Provider", "Keycloak")
            .WithEnvironment("Keycloak__realm", "klusterkluck")
            .WithEnvironment("Keycloak__auth-server-url", keycloak.GetEndpoint("http"))
            .WithEnvironment("Keycloak__resource", "klusterkluck")
            // Keycloak answers plain http (a container on localhost, a Service in a cluster), and
            // `external` accepts that only from loopback and private addresses, not a Service's name.
            .WithEnvironment("Keycloak__ssl-required", "none")
            .WithEnvironment("Keycloak__admin__resource", "klusterkluck-admin")
            .WithEnvironment("Keycloak__admin__credentials__secret", clientSecret)
            .WaitFor(store)
            .WaitFor(keycloak);
    }
}
