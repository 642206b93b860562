using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// What every pod running a user's code or settings shares (function workers, builds, connectors): a
/// non-root user, no privilege, a read-only root, the runtime's seccomp profile, and resources
/// stated so that the tenant's quota admits the pod.
/// </summary>
internal static class UserPods
{
    private const long User = 10001;

    public static V1PodSecurityContext PodSecurity() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = User,
        RunAsGroup = User,
        FsGroup = User,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    public static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };

    public static V1ResourceRequirements Resources(IReadOnlyDictionary<string, string> requests, IReadOnlyDictionary<string, string> limits) => new()
    {
        Requests = requests.ToDictionary(r => r.Key, r => new ResourceQuantity(r.Value)),
        Limits = limits.ToDictionary(r => r.Key, r => new ResourceQuantity(r.Value)),
    };

    public static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    /// <summary>A variable whose value the kubelet reads from a Secret: a credential never stands in a pod spec as a literal.</summary>
    public static V1EnvVar FromSecret(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    /// <summary>The root is read-only: each folder the program writes is an emptyDir of its own, mounted there.</summary>
    public static (List<V1VolumeMount> Mounts, List<V1Volume> Volumes) Writable(params (string Name, string Path)[] folders) =>
        ([.. folders.Select(f => new V1VolumeMount { Name = f.Name, MountPath = f.Path })],
         [.. folders.Select(f => new V1Volume { Name = f.Name, EmptyDir = new V1EmptyDirVolumeSource() })]);
}
