using Klusterkluck.AppHost.Kubernetes;
using Microsoft.Extensions.Configuration;

namespace Klusterkluck.AppHost.Platform;

/// <summary>The control plane as a project resource: its port, its data folder, its probes, and what only a cluster needs.</summary>
internal static class ApiResource
{
    /// <summary>
    /// The Api on <c>Api:Port</c> (default 8080), listening there itself rather than behind Aspire's
    /// proxy: its embedded OpenID Connect server names its issuer after the address it listens on,
    /// and tokens must name the address people use. <c>Api:DataFolder</c> moves its data folder
    /// (default: <c>.klusterkluck/</c> in the Api's project folder, as with <c>dotnet run --project Klusterkluck.Api</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddApi(this IDistributedApplicationBuilder builder)
    {
        var port = builder.Configuration.GetValue("Api:Port", 8080);
        var api = builder.AddProject<Projects.Klusterkluck_Api>("api", launchProfileName: null)
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithExternalHttpEndpoints()
            // Readiness is its health check too: WaitFor(api) waits for it.
            .WithHttpProbe(ProbeType.Readiness, "/health", periodSeconds: 10, endpointName: "http")
            .WithHttpProbe(ProbeType.Liveness, "/alive", initialDelaySeconds: 30, periodSeconds: 20, endpointName: "http");
        if (builder.Configuration["Api:DataFolder"] is { Length: > 0 } dataFolder)
        {
            api.WithEnvironment("DataFolder", Path.GetFullPath(dataFolder));
        }
        return api;
    }

    /// <summary>
    /// In a cluster the Api runs functions and connectors as pods of their own (the Kubernetes
    /// runtime), keeps its data folder on a volume, runs as an unprivileged user under a read-only
    /// root, may do what its runtime does and no more (<see cref="ApiRole"/>), and is reached
    /// through an Ingress. Images: `docker build -f Klusterkluck.Api/Dockerfile -t klusterkluck/api .`
    /// and likewise for the worker, the builder (`-f Klusterkluck.Worker/Dockerfile.builder`) and the connector host.
    /// </summary>
    public static IResourceBuilder<ProjectResource> InCluster(this IResourceBuilder<ProjectResource> api, string @namespace)
    {
        if (!api.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return api;
        }
        // Its own Service, as pods in users' namespaces reach it: workers fetch their code there,
        // connectors post their events there.
        var self = api.GetEndpoint("http");
        return api
            .WithEnvironment("DataFolder", "/data")
            .WithEnvironment("Runtime__Provider", "Kubernetes")
            .WithEnvironment("Runtime__Kubernetes__ApiUrl", self)
            .WithEnvironment("Flows__EventBaseUrl", self)
            .WithEnvironment("Runtime__Kubernetes__WorkerImage", "klusterkluck/worker:latest")
            .WithEnvironment("Runtime__Kubernetes__BuilderImage", "klusterkluck/builder:latest")
            .WithEnvironment("Runtime__Kubernetes__ConnectorImage", "klusterkluck/connectors:latest")
            .WithEnvironment("Runtime__Kubernetes__Domain", "functions.klusterkluck.local")
            .WithEnvironment("Runtime__Kubernetes__IngressClass", "nginx")
            .WithEnvironment("Runtime__Kubernetes__PlatformNamespace", @namespace)
            // Requests come through the ingress controller: its X-Forwarded-For names the client the
            // login rate limit counts. 10.0.0.0/8 is a common pod network; operators set this to
            // their ingress controller's range (a client elsewhere in it could forge the header).
            .WithEnvironment("ForwardedHeaders__KnownNetworks__0", "10.0.0.0/8")
            .PublishAsKubernetesWorkload(workload =>
            {
                workload.Container.Image = "klusterkluck/api:latest";
                workload.WithClaim("data", "/data", "10Gi").WithEmptyDir("tmp", "/tmp").WithResources("250m", "256Mi", "1Gi");
                workload.RunsUnprivileged(10001, readOnlyRoot: true);
                ApiRole.Grant(workload);
                // Git pushes and function bodies can be large; the Api enforces its own limits.
                workload.Ingress = new IngressSettings("klusterkluck.local", "nginx",
                    new Dictionary<string, string> { ["nginx.ingress.kubernetes.io/proxy-body-size"] = "0" });
            });
    }
}
