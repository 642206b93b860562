using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// A function's objects in its user's namespace, all named after the function: a Secret with its
/// read-only git token and its build upload token, a Deployment of workers, a Service, an Ingress for
/// <c>{user}.{domain}/{function}/</c>, and a HorizontalPodAutoscaler when it asked to scale.
/// Pure functions of the deployment and the options, so a redeploy changes only what changed.
/// </summary>
public static class FunctionObjects
{
    public const string Container = "worker";
    public const string TokenKey = "token";
    public const int WorkerPort = 8080;

    /// <summary>The Secret's key for the build Jobs' upload token (<see cref="BuildObjects"/>); worker pods never refer to it.</summary>
    public const string BuildTokenKey = "build-token";

    public static string SecretName(FunctionId id) => $"{id.Name}-git";

    /// <summary>The path prefix the Ingress routes on and the worker strips (KK_PATH_BASE).</summary>
    public static string PathBase(FunctionId id) => $"/{id.Name}";

    public static V1Secret Secret(KubernetesRuntimeOptions options, FunctionId id, string token, string buildToken) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = Metadata(options, id, SecretName(id)),
        Type = "Opaque",
        StringData = new Dictionary<string, string> { [TokenKey] = token, [BuildTokenKey] = buildToken },
    };

    /// <summary>The function's repository as pods fetch it, with the read token (KK_GIT_URL).</summary>
    public static string GitUrl(KubernetesRuntimeOptions options, FunctionId id) => $"{options.ApiUrl.TrimEnd('/')}/git/{id.User}/{id.Name}.git";

    /// <param name="issuer">Whose tokens a private function accepts; null for a public function.</param>
    public static V1Deployment Deployment(KubernetesRuntimeOptions options, FunctionDeployment deployment, TokenIssuer? issuer, int replicas)
    {
        var id = deployment.Id;
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(options, id, id.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(id) },
                // The serving pods stay until their replacements are ready: a deploy never leaves
                // the function without a replica, and a failed one is undone (KubernetesRuntime).
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1", MaxUnavailable = "0" },
                },
                ProgressDeadlineSeconds = (int)Math.Ceiling(options.RolloutTimeout.TotalSeconds),
                RevisionHistoryLimit = 5,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(Labels.ForFunction(id)) { [Labels.Commit] = deployment.Commit } },
                    Spec = PodSpec(options, deployment, issuer),
                },
            },
        };
    }

    public static V1Service Service(KubernetesRuntimeOptions options, FunctionId id) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(options, id, id.Name),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Labels.Selector(id),
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
        },
    };

    public static string Host(KubernetesRuntimeOptions options, FunctionId id) => $"{id.User}.{options.Domain}";

    public static V1Ingress Ingress(KubernetesRuntimeOptions options, FunctionId id) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = Metadata(options, id, id.Name),
        Spec = new V1IngressSpec
        {
            IngressClassName = options.IngressClass,
            Tls = options.IngressTlsSecret is { Length: > 0 } tls ? [new V1IngressTLS { Hosts = [Host(options, id)], SecretName = tls }] : null,
            Rules =
            [
                new V1IngressRule
                {
                    Host = Host(options, id),
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = PathBase(id),
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend { Name = id.Name, Port = new V1ServiceBackendPort { Name = "http" } },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    public static V2HorizontalPodAutoscaler Autoscaler(KubernetesRuntimeOptions options, FunctionDeployment deployment) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(options, deployment.Id, deployment.Id.Name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = deployment.Id.Name },
            MinReplicas = deployment.Replicas,
            MaxReplicas = deployment.MaxReplicas ?? deployment.Replicas,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = options.TargetCpuPercent },
                    },
                },
            ],
        },
    };

    /// <summary>A CPU HorizontalPodAutoscaler: a maximum and no target concurrency (with one, or with no minimum, the Api scales it).</summary>
    public static bool Autoscales(FunctionDeployment deployment) =>
        deployment.MaxReplicas > deployment.Replicas && !KubernetesRuntime.ApiScales(deployment);

    private static V1PodSpec PodSpec(KubernetesRuntimeOptions options, FunctionDeployment deployment, TokenIssuer? issuer)
    {
        var id = deployment.Id;
        var probe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = "http" }, PeriodSeconds = 10, TimeoutSeconds = 2, FailureThreshold = 3 };
        var (mounts, volumes) = UserPods.Writable(("work", "/work"), ("tmp", "/tmp"));
        return new V1PodSpec
        {
            // Functions are user code: no Kubernetes credentials, no other services' addresses.
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            SecurityContext = UserPods.PodSecurity(),
            Containers =
            [
                new V1Container
                {
                    Name = Container,
                    Image = options.WorkerImage,
                    ImagePullPolicy = options.ImagePullPolicy,
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = WorkerPort, Protocol = "TCP" }],
                    Env = [.. Environment(options, deployment, issuer)],
                    // Fetching the commit and starting node take a while: liveness waits for the first ready.
                    StartupProbe = new V1Probe { HttpGet = probe.HttpGet, PeriodSeconds = 2, TimeoutSeconds = 2, FailureThreshold = 90 },
                    ReadinessProbe = probe,
                    LivenessProbe = probe,
                    Resources = UserPods.Resources(options.Requests, options.Limits),
                    // The worker's last line before it exits says why (a handler that cannot load, say):
                    // it becomes the container's termination message, and the deploy's error.
                    TerminationMessagePolicy = "FallbackToLogsOnError",
                    SecurityContext = UserPods.ContainerSecurity(),
                    VolumeMounts = mounts,
                },
            ],
            Volumes = volumes,
        };
    }

    /// <summary>The worker's environment contract (DESIGN.md, "Worker"); the git token by reference to its Secret, never as a literal.</summary>
    private static IEnumerable<V1EnvVar> Environment(KubernetesRuntimeOptions options, FunctionDeployment deployment, TokenIssuer? issuer)
    {
        var id = deployment.Id;
        yield return UserPods.Env("KK_GIT_URL", GitUrl(options, id));
        yield return UserPods.Env("KK_GIT_COMMIT", deployment.Commit);
        yield return UserPods.FromSecret("KK_GIT_TOKEN", SecretName(id), TokenKey);
        if (deployment.Artifact is not null)
        {
            // The commit's build, fetched from the Api with the read token instead of a checkout.
            yield return UserPods.Env("KK_ARTIFACT_URL", BuildObjects.ArtifactUrl(options, id, deployment.Commit));
        }
        yield return UserPods.Env("KK_FUNCTION", id.ToString());
        if (issuer is not null)
        {
            yield return UserPods.Env("KK_AUTH_AUTHORITY", issuer.Authority);
            if (issuer.Audience is { } audience)
            {
                yield return UserPods.Env("KK_AUTH_AUDIENCE", audience);
            }
        }
        yield return UserPods.Env("KK_PATH_BASE", PathBase(id));
        yield return UserPods.Env("KK_WORK_DIR", "/work");
        yield return UserPods.Env("ASPNETCORE_URLS", $"http://+:{WorkerPort}");
        foreach (var (name, value) in deployment.Limits.Environment())
        {
            yield return UserPods.Env(name, value);
        }
    }

    private static V1ObjectMeta Metadata(KubernetesRuntimeOptions options, FunctionId id, string name) => new()
    {
        Name = name,
        NamespaceProperty = TenantObjects.Namespace(options, id.User),
        Labels = Labels.ForFunction(id),
    };
}
