using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// Section <c>Runtime:Kubernetes</c>: what the runtime creates in the cluster. The cluster itself
/// comes from the standard places (<c>KUBECONFIG</c>, <c>~/.kube/config</c>, or the pod's service
/// account when the Api runs in the cluster).
/// </summary>
public sealed class KubernetesRuntimeOptions
{
    public const string Section = "Runtime:Kubernetes";

    /// <summary>The worker's container image (Klusterkluck.Worker/Dockerfile builds it).</summary>
    [Required]
    public string WorkerImage { get; set; } = "klusterkluck/worker:latest";

    /// <summary>
    /// The builder's container image (Klusterkluck.Worker/Dockerfile.builder builds it): the worker's
    /// build mode with the .NET SDK and npm, run as a Job per (function, commit) that needs a build.
    /// </summary>
    [Required]
    public string BuilderImage { get; set; } = "klusterkluck/builder:latest";

    /// <summary>The connector host's container image (Klusterkluck.Connectors/Dockerfile builds it), one pod per connector node.</summary>
    [Required]
    public string ConnectorImage { get; set; } = "klusterkluck/connectors:latest";

    [AllowedValues("Always", "IfNotPresent", "Never")]
    public string ImagePullPolicy { get; set; } = "IfNotPresent";

    /// <summary>The Api as pods reach it, through its cluster Service: workers fetch their code from <c>{ApiUrl}/git/…</c>.</summary>
    [Required, Url]
    public string ApiUrl { get; set; } = "http://api.klusterkluck.svc.cluster.local:8080";

    /// <summary>Functions answer at <c>{user}.{Domain}/{function}/</c> through their Ingress.</summary>
    [Required, RegularExpression(@"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\z")]
    public string Domain { get; set; } = "functions.klusterkluck.local";

    /// <summary>The Ingress class that serves function hosts.</summary>
    [Required]
    public string IngressClass { get; set; } = "nginx";

    /// <summary>A TLS secret for <c>*.{Domain}</c> in each user's namespace; none: the Ingress serves plain HTTP.</summary>
    public string? IngressTlsSecret { get; set; }

    /// <summary>User <c>u</c>'s functions run in namespace <c>{NamespacePrefix}u</c>.</summary>
    [Required, RegularExpression(@"^[a-z0-9-]{0,20}\z")]
    public string NamespacePrefix { get; set; } = "kk-";

    /// <summary>The Api's own namespace: its pods (gateway, invoke) may reach every function's pods.</summary>
    [Required]
    public string PlatformNamespace { get; set; } = "klusterkluck";

    /// <summary>
    /// When set, each listening connector (a flow's http connector) gets an Ingress at
    /// <c>{user}.{ConnectorIngressDomain}/{flow}/{node}</c>, served by <see cref="IngressClass"/>;
    /// unset, it is reached only inside the cluster, through its Service.
    /// </summary>
    [RegularExpression(@"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\z")]
    public string? ConnectorIngressDomain { get; set; }

    /// <summary>A TLS secret for <c>*.{ConnectorIngressDomain}</c> in each user's namespace; none: connectors' Ingresses serve plain HTTP.</summary>
    public string? ConnectorIngressTlsSecret { get; set; }

    /// <summary>The ingress controller's namespace: its pods may reach every function's pods.</summary>
    [Required]
    public string IngressNamespace { get; set; } = "ingress-nginx";

    /// <summary>Each user namespace's ResourceQuota (<c>spec.hard</c>).</summary>
    public Dictionary<string, string> Quota { get; set; } = new()
    {
        ["pods"] = "50",
        ["requests.cpu"] = "4",
        ["requests.memory"] = "8Gi",
        ["limits.cpu"] = "16",
        ["limits.memory"] = "16Gi",
    };

    /// <summary>Each worker container's resource requests.</summary>
    public Dictionary<string, string> Requests { get; set; } = new() { ["cpu"] = "50m", ["memory"] = "96Mi" };

    /// <summary>Each worker container's resource limits.</summary>
    public Dictionary<string, string> Limits { get; set; } = new() { ["cpu"] = "1", ["memory"] = "512Mi" };

    /// <summary>
    /// Each build container's resource requests: npm and a compiler need more than a worker, and the
    /// user's ResourceQuota counts them while the build runs.
    /// </summary>
    public Dictionary<string, string> BuildRequests { get; set; } = new() { ["cpu"] = "500m", ["memory"] = "1Gi" };

    /// <summary>Each build container's resource limits (dotnet publish of a small project peaks near 1.5 GiB).</summary>
    public Dictionary<string, string> BuildLimits { get; set; } = new() { ["cpu"] = "2", ["memory"] = "2Gi" };

    /// <summary>
    /// Each connector container's resource requests. The user's ResourceQuota covers requests and
    /// limits, and a quota admits only pods that state both, so connectors need their own.
    /// </summary>
    public Dictionary<string, string> ConnectorRequests { get; set; } = new() { ["cpu"] = "20m", ["memory"] = "96Mi" };

    /// <summary>Each connector container's resource limits.</summary>
    public Dictionary<string, string> ConnectorLimits { get; set; } = new() { ["cpu"] = "500m", ["memory"] = "256Mi" };

    /// <summary>Average CPU use (percent of the request) the HorizontalPodAutoscaler keeps a function at.</summary>
    [Range(10, 500)]
    public int TargetCpuPercent { get; set; } = 70;

    /// <summary>How long a rollout may take before the deploy fails and the previous commit is restored.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan RolloutTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a rollout's progress is read from the API server.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Where the gateway sends a function's requests: its Service. <c>{function}</c> and
    /// <c>{namespace}</c> are filled in; the function's name is appended as the path the worker strips.
    /// </summary>
    [Required]
    public string ServiceAddress { get; set; } = "http://{function}.{namespace}.svc.cluster.local";
}
