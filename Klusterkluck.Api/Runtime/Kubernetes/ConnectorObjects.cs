using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Klusterkluck.Api.Functions;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// A connector node's objects in its user's namespace, both named <see cref="Name"/>: a Secret
/// with the credentials of its environment and a one-replica Deployment of the connector host.
/// Pure functions of the deployment and the options, so an equal revision applies as a no-op.
/// </summary>
public static class ConnectorObjects
{
    public const string Container = "connector";
    public const int HealthPort = 8080;

    /// <summary>Variables that are credentials: kept in the Secret and passed by secretKeyRef, never as a literal in the Deployment.</summary>
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
        StringData = deployment.Environment.Where(e => SecretVariables.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value),
    };

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

    private static V1PodSpec PodSpec(KubernetesRuntimeOptions options, ConnectorDeployment deployment) => new()
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
                Ports = [new V1ContainerPort { Name = "http", ContainerPort = HealthPort, Protocol = "TCP" }],
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
                // The host writes nothing itself, but the .NET runtime puts its diagnostics socket in /tmp.
                VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
            },
        ],
        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
    };

    /// <summary>
    /// The connector contract (DESIGN.md, "Connector"): the plugin, then the node's environment in
    /// name order (the same revision gives the same template), credentials by reference to the Secret.
    /// </summary>
    private static IEnumerable<V1EnvVar> Environment(ConnectorDeployment deployment)
    {
        yield return new V1EnvVar { Name = "KK_CONNECTOR", Value = deployment.Plugin };
        foreach (var (name, value) in deployment.Environment.Where(e => !s_runtimeVariables.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            yield return SecretVariables.Contains(name)
                ? new V1EnvVar
                {
                    Name = name,
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = Name(deployment.Id), Key = name } },
                }
                : new V1EnvVar { Name = name, Value = value };
        }
        yield return new V1EnvVar { Name = "ASPNETCORE_URLS", Value = $"http://+:{HealthPort}" };
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
