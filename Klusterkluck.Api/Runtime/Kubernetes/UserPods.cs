using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// What every pod running a user's code or settings shares (function workers, connectors): a
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
}
