using Klusterkluck.AppHost.Kubernetes;

namespace Klusterkluck.AppHost.Keycloak;

/// <summary>
/// Keycloak as a container resource written here (Aspire.Hosting.Keycloak is not served to this
/// project's build machines): the realm of <c>Keycloak/import/</c> imported at start, the features
/// flows need, its health endpoint, and a generated admin password.
/// </summary>
internal static class KeycloakResource
{
    public const string Image = "quay.io/keycloak/keycloak";
    public const string Tag = "26.4";

    /// <summary>
    /// Keycloak keeps its data in <paramref name="database"/>. A local run uses <c>start-dev</c>;
    /// a cluster gets <c>start</c> with plain http inside it (the Ingress in front terminates TLS).
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddKeycloak(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<PostgresDatabaseResource> database)
    {
        var adminPassword = builder.AddParameter($"{name}-admin-password",
            new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        var server = database.Resource.Parent;
        var endpoint = server.PrimaryEndpoint;
        return builder.AddContainer(name, Image, Tag)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithHttpEndpoint(targetPort: 9000, name: "management")
            .WithHttpProbe(ProbeType.Readiness, "/health/ready", periodSeconds: 10, endpointName: "management")
            .WithHttpProbe(ProbeType.Liveness, "/health/live", initialDelaySeconds: 60, periodSeconds: 20, endpointName: "management")
            .WithArgs(context =>
            {
                context.Args.Add(context.ExecutionContext.IsPublishMode ? "start" : "start-dev");
                context.Args.Add("--import-realm");
                if (context.ExecutionContext.IsPublishMode)
                {
                    context.Args.Add("--http-enabled=true");
                    context.Args.Add("--hostname-strict=false");
                }
            })
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword)
            .WithEnvironment("KC_HEALTH_ENABLED", "true")
            // The flow engine gets its users' tokens by token exchange with impersonation (README, "Flows").
            .WithEnvironment("KC_FEATURES", "token-exchange,admin-fine-grained-authz:v1")
            .WithEnvironment("KC_DB", "postgres")
            .WithEnvironment("KC_DB_URL", ReferenceExpression.Create(
                $"jdbc:postgresql://{endpoint.Property(EndpointProperty.HostAndPort)}/{database.Resource.DatabaseName}"))
            .WithEnvironment("KC_DB_USERNAME", server.UserNameReference)
            .WithEnvironment("KC_DB_PASSWORD", server.PasswordParameter)
            // Read at the first start; a realm that exists already is left as it is.
            .WithBindMount(Path.Combine(builder.AppHostDirectory, "Keycloak", "import"), "/opt/keycloak/data/import", isReadOnly: true)
            .WaitFor(database)
            .PublishAsKubernetesWorkload(workload => workload.WithResources("250m", "512Mi", "1536Mi"));
    }
}
