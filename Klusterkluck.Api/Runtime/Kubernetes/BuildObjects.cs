using k8s.Models;
using Klusterkluck.Api.Builds;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// A commit's build as a Kubernetes Job in its user's namespace, so the namespace's quota and
/// network policy hold for it as for the function's pods: the builder image running the worker's
/// <c>build</c> mode once (no retries, stopped at <c>Builds:Timeout</c>), in a pod as fenced as a
/// worker's (non-root, read-only root, no capabilities, no service-account token), with more
/// resources. It fetches the commit with the read token and PUTs the artifact to the Api with the
/// upload token, both by reference to the function's Secret. Pure functions of the options.
/// </summary>
public static class BuildObjects
{
    public const string Container = "builder";

    /// <summary>A finished Job and its pod stay this long (for <c>kubectl logs</c>), then Kubernetes removes them.</summary>
    public const int FinishedTtlSeconds = 3600;

    private const int CommitLength = 10;

    /// <summary><c>{function}-build-{sha[..10]}</c>: one Job per (function, commit), a DNS-1123 label of at most 63 characters.</summary>
    public static string JobName(FunctionId id, string commit)
    {
        var suffix = $"-build-{commit[..Math.Min(CommitLength, commit.Length)].ToLowerInvariant()}";
        return id.Name[..Math.Min(id.Name.Length, 63 - suffix.Length)].TrimEnd('-') + suffix;
    }

    /// <summary>The commit's artifact at the Api: where the build PUTs it and whence workers GET it.</summary>
    public static string ArtifactUrl(KubernetesRuntimeOptions options, FunctionId id, string commit) =>
        $"{options.ApiUrl.TrimEnd('/')}/builds/{id.User}/{id.Name}/{commit}";

    public static V1Job Job(KubernetesRuntimeOptions options, BuildOptions builds, FunctionId id, string commit) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta
        {
            Name = JobName(id, commit),
            NamespaceProperty = TenantObjects.Namespace(options, id.User),
            Labels = Labels.ForBuild(id, commit),
        },
        Spec = new V1JobSpec
        {
            // The build either works or says why; running it again would say the same, later.
            BackoffLimit = 0,
            ActiveDeadlineSeconds = DeadlineSeconds(builds),
            TtlSecondsAfterFinished = FinishedTtlSeconds,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = Labels.ForBuild(id, commit) },
                Spec = PodSpec(options, builds, id, commit),
            },
        },
    };

    public static int DeadlineSeconds(BuildOptions builds) => (int)Math.Ceiling(builds.Timeout.TotalSeconds);

    private static V1PodSpec PodSpec(KubernetesRuntimeOptions options, BuildOptions builds, FunctionId id, string commit)
    {
        // The checkout, HOME and the packed artifact (/tmp), npm's and NuGet's caches.
        var (mounts, volumes) = UserPods.Writable(("work", "/work"), ("tmp", "/tmp"), ("cache", "/cache"));
        return new V1PodSpec
        {
            // A build runs the commit's code (npm's, MSBuild's, a build command): no Kubernetes credentials, no other services' addresses.
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            RestartPolicy = "Never",
            SecurityContext = UserPods.PodSecurity(),
            Containers =
            [
                new V1Container
                {
                    Name = Container,
                    Image = options.BuilderImage,
                    ImagePullPolicy = options.ImagePullPolicy,
                    Command = ["dotnet", "/app/Klusterkluck.Worker.dll", "build"],
                    Env = [.. Environment(options, builds, id, commit)],
                    Resources = UserPods.Resources(options.BuildRequests, options.BuildLimits),
                    // The builder's last line says why it failed: the container's termination message too.
                    TerminationMessagePolicy = "FallbackToLogsOnError",
                    SecurityContext = UserPods.ContainerSecurity(),
                    VolumeMounts = mounts,
                },
            ],
            Volumes = volumes,
        };
    }

    /// <summary>The builder's environment contract (Klusterkluck.Worker/Build/BuildSettings.cs); both tokens by reference to the function's Secret, never as literals.</summary>
    private static IEnumerable<V1EnvVar> Environment(KubernetesRuntimeOptions options, BuildOptions builds, FunctionId id, string commit)
    {
        yield return UserPods.Env("KK_GIT_URL", FunctionObjects.GitUrl(options, id));
        yield return UserPods.Env("KK_GIT_COMMIT", commit);
        yield return UserPods.FromSecret("KK_GIT_TOKEN", FunctionObjects.SecretName(id), FunctionObjects.TokenKey);
        yield return UserPods.Env("KK_FUNCTION", id.ToString());
        yield return UserPods.Env("KK_WORK_DIR", "/work");
        yield return UserPods.Env("KK_BUILD_CACHE", "/cache");
        yield return UserPods.Env("KK_BUILD_UPLOAD_URL", ArtifactUrl(options, id, commit));
        yield return UserPods.FromSecret("KK_BUILD_UPLOAD_TOKEN", FunctionObjects.SecretName(id), FunctionObjects.BuildTokenKey);
        foreach (var (name, value) in builds.BuilderEnvironment())
        {
            yield return UserPods.Env(name, value);
        }
    }

}
