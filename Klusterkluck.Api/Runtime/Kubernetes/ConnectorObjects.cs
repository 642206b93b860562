using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Klusterkluck.Api.Functions;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// A connector node's objects in its user's namespace, all named <see cref="Name"/>: a Secret
/// with the credentials of its environment and a one-replica Deployment of the connector host;
/// for a connector that listens, a Service, and an Ingress at <c>{user}.{ConnectorIngressDomain}/{flow}/{node}</c>
/// when the operator set that domain. Pure functions of the deployment and the options, so an
/// equal revision applies as a no-op.
/// </summary>
public static class ConnectorObjects
{
    public const string Container = "connector";
    public const int HealthPort = 8080;

    /// <summary>Where a listening connector takes events in its pod (its listen variable says so); the Service's port 80 leads there.</summary>
    public const int EventsPort = 8081;

    /// <summary>Credentials whatever the plugin: kept in the Secret and passed by secretKeyRef, never as a literal in the Deployment.</summary>
    public static readonly IReadOnlySet<string> SecretVariables = new HashSet<string>(StringComparer.Ordinal) { "KK_TARGET_TOKEN" };

    /// <summary>Set by the runtime itself: the plugin and where the probes reach the host.</summary>
    private static readonly HashSet<string> s_runtimeVariables = new(StringComparer.Ordinal) { "KK_CONNECTOR", "ASPNETCORE_URLS" };

    private const int MaxNameLength = 63;
    private const int MinHashLength = 10;

    // Functions' objects are named {function} (at most Function.MaxNameLength) and {function}-git.
    // A connector's name is always longer than Function.MaxNameLength and ends in hex digits, which
    // "git" is not, so no function, present or future, can take it; no name needs reserving.
    private const int MinNameLength = Function.MaxNameLength + 1;

    /// <summary>
    /// <c>flow-{flow}-{node}</c> (cut to fit), a hyphen and the start of SHA-256 of
    /// <c>{flow}/{node}</c>: a DNS-1123 label of 41 to 63 characters that reads as what it runs.
    /// The hash tells apart what the cut or the hyphens would merge (flow <c>a-b</c> node
    /// <c>c</c>, flow <c>a</c> node <c>b-c</c>); it is as long as it takes to reach the minimum.
    /// </summary>
    public static string Name(ConnectorId id)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{id.Flow}/{id.Node}")));
        var readable = $"flow-{id.Flow}-{id.Node}";
        readable = readable[..Math.Min(readable.Length, MaxNameLength - 1 - MinHashLength)].TrimEnd('-');
        return $"{readable}-{hash[..Math.Max(MinHashLength, MinNameLength - readable.Length - 1)]}";
    }

    public static V1Secret Secret(KubernetesRuntimeOptions options, ConnectorDeployment deployment) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = Metadata(options, deployment.Id),
        Type = "Opaque",
        StringData = deployment.Environment.Where(e => IsSecret(deployment, e.Key)).ToDictionary(e => e.Key, e => e.Value),
    };

    /// <summary>A listening connector's Service: port 80 to the pod's events port.</summary>
    public static V1Service Service(KubernetesRuntimeOptions options, ConnectorDeployment deployment) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(options, deployment.Id),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Labels.ConnectorSelector(Name(deployment.Id)),
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "events", Protocol = "TCP" }],
        },
    };

    /// <summary>Whether a listening connector gets an Ingress: when the operator named a domain for them.</summary>
    public static bool HasIngress(KubernetesRuntimeOptions options) => options.ConnectorIngressDomain is { Length: > 0 };

    public static string Host(KubernetesRuntimeOptions options, string user) => $"{user}.{options.ConnectorIngressDomain}";

    /// <summary>
    /// The Ingress's path: the host is the user's alone (only the runtime writes Ingresses, each in
    /// its user's namespace), and flow and node names are labels, so no two connectors share one.
    /// </summary>
    public static string PathOf(ConnectorId id) => $"/{id.Flow}/{id.Node}";

    public static V1Ingress Ingress(KubernetesRuntimeOptions options, ConnectorDeployment deployment)
    {
        var id = deployment.Id;
        var host = Host(options, id.User);
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = Metadata(options, id),
            Spec = new V1IngressSpec
            {
                IngressClassName = options.IngressClass,
                Tls = options.ConnectorIngressTlsSecret is { Length: > 0 } tls ? [new V1IngressTLS { Hosts = [host], SecretName = tls }] : null,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = PathOf(id),
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend { Name = Name(id), Port = new V1ServiceBackendPort { Name = "http" } },
                                    },
                                },
                            ],
                        },
                    },
                ],
            },
        };
    }

    /// <summary>Where a listening connector takes events: its Ingress when it has one, else its Service inside the cluster.</summary>
    public static string Url(KubernetesRuntimeOptions options, ConnectorId id) => HasIngress(options)
        ? $"{(options.ConnectorIngressTlsSecret is { Length: > 0 } ? "https" : "http")}://{Host(options, id.User)}{PathOf(id)}"
        : $"http://{Name(id)}.{TenantObjects.Namespace(options, id.User)}.svc.cluster.local";

    public static V1Deployment Deployment(KubernetesRuntimeOptions options, ConnectorDeployment deployment)
    {
        var id = deployment.Id;
        var name = Name(id);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(options, id),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Labels.ConnectorSelector(name) },
                // One instance per node, as locally: the old pod drains and stops before the new one
                // starts, where a rolling update would run both and fire a timer's schedule twice.
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                RevisionHistoryLimit = 2,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = Labels.ForConnector(id, name),
                        // In the template, so a new revision rolls out even when only the Secret changed.
                        Annotations = new Dictionary<string, string> { [Labels.Revision] = deployment.Revision },
                    },
                    Spec = PodSpec(options, deployment),
                },
            },
        };
    }

    private static V1PodSpec PodSpec(KubernetesRuntimeOptions options, ConnectorDeployment deployment)
    {
        // The host writes nothing itself, but the .NET runtime puts its diagnostics socket in /tmp.
        var (mounts, volumes) = UserPods.Writable(("tmp", "/tmp"));
        return new V1PodSpec
        {
            // Connectors are configured by users: no Kubernetes credentials, no other services' addresses.
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            SecurityContext = UserPods.PodSecurity(),
            // SIGTERM makes the host drain its buffer (KK_DRAIN_TIMEOUT, 20 s by default, plus 5 s to stop).
            TerminationGracePeriodSeconds = 30,
            Containers =
            [
                new V1Container
                {
                    Name = Container,
                    Image = options.ConnectorImage,
                    ImagePullPolicy = options.ImagePullPolicy,
                    Ports = deployment.Listen is null
                        ? [HttpPort]
                        : [HttpPort, new V1ContainerPort { Name = "events", ContainerPort = EventsPort, Protocol = "TCP" }],
                    Env = [.. Environment(deployment)],
                    // The host checks its variables before it listens, so its probes answer only once it runs.
                    StartupProbe = Probe("/alive", periodSeconds: 2, failureThreshold: 30),
                    ReadinessProbe = Probe("/health", periodSeconds: 10, failureThreshold: 3),
                    LivenessProbe = Probe("/alive", periodSeconds: 10, failureThreshold: 3),
                    Resources = UserPods.Resources(options.ConnectorRequests, options.ConnectorLimits),
                    // The host's one line when its settings keep it from starting becomes the
                    // container's termination message, and the connector's error.
                    TerminationMessagePolicy = "FallbackToLogsOnError",
                    SecurityContext = UserPods.ContainerSecurity(),
                    VolumeMounts = mounts,
                },
            ],
            Volumes = volumes,
        };
    }

    private static V1ContainerPort HttpPort => new() { Name = "http", ContainerPort = HealthPort, Protocol = "TCP" };

    private static bool IsSecret(ConnectorDeployment deployment, string name) => SecretVariables.Contains(name) || deployment.Secrets.Contains(name);

    /// <summary>
    /// The connector contract (DESIGN.md, "Connector"): the plugin, then the node's environment in
    /// name order (the same revision gives the same template), credentials by reference to the
    /// Secret, and where a listening connector listens: all of the pod's interfaces, since the
    /// Service reaches it from outside the pod (the pod is its own network, shared with no one).
    /// </summary>
    private static IEnumerable<V1EnvVar> Environment(ConnectorDeployment deployment)
    {
        yield return UserPods.Env("KK_CONNECTOR", deployment.Plugin);
        var environment = deployment.Environment.Where(e => !s_runtimeVariables.Contains(e.Key) && e.Key != deployment.Listen);
        if (deployment.Listen is { } listen)
        {
            environment = environment.Append(KeyValuePair.Create(listen, $"http://+:{EventsPort}"));
        }
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            yield return IsSecret(deployment, name) ? UserPods.FromSecret(name, Name(deployment.Id), name) : UserPods.Env(name, value);
        }
        yield return UserPods.Env("ASPNETCORE_URLS", $"http://+:{HealthPort}");
    }

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
    };

    private static V1ObjectMeta Metadata(KubernetesRuntimeOptions options, ConnectorId id) => new()
    {
        Name = Name(id),
        NamespaceProperty = TenantObjects.Namespace(options, id.User),
        Labels = Labels.ForConnector(id, Name(id)),
    };
}
