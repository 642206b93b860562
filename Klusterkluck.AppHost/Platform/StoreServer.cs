using k8s.Models;
using Klusterkluck.AppHost.Kubernetes;

namespace Klusterkluck.AppHost.Platform;

/// <summary>PostgreSQL for the Api's store and Keycloak's data, each in a database of its own.</summary>
internal static class StoreServer
{
    /// <summary>
    /// Aspire's PostgreSQL (its image, a generated password, a data volume). In a cluster its
    /// volume belongs to the image's postgres group (999), and it is ready when pg_isready says so.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddStoreServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddPostgres(name)
            .WithDataVolume()
            .PublishAsKubernetesWorkload(workload =>
            {
                workload.Pod.SecurityContext = new V1PodSecurityContext { FsGroup = 999 };
                workload.Container.ReadinessProbe = new V1Probe
                {
                    Exec = new V1ExecAction { Command = ["pg_isready", "-U", "postgres"] },
                    PeriodSeconds = 10,
                };
                workload.WithResources("100m", "256Mi", "1Gi");
            });
}
