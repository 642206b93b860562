using k8s;
using k8s.Models;

namespace Klusterkluck.AppHost.Kubernetes;

/// <summary>
/// One resource of the model as the Kubernetes objects it publishes to, before they are written:
/// what the model says is filled in by <see cref="WorkloadFactory"/>, and what it cannot say
/// (security contexts, resources, RBAC, an Ingress's host) is added by the resource's
/// <see cref="KubernetesWorkloadAnnotation"/>s, written in the AppHost next to the resource.
/// </summary>
internal sealed class KubernetesWorkload(string name, string @namespace)
{
    public string Name { get; } = name;

    /// <summary>The namespace every object goes to (kustomization.yaml sets it too).</summary>
    public string Namespace { get; } = @namespace;

    /// <summary>The pod template's spec; its only container is <see cref="Container"/>.</summary>
    public V1PodSpec Pod { get; } = new() { Containers = [] };

    public V1Container Container => Pod.Containers[0];

    /// <summary>Claims of a StatefulSet, one per volume: a workload with any is a StatefulSet, else a Deployment.</summary>
    public List<V1PersistentVolumeClaim> Claims { get; } = [];

    /// <summary>Environment values without secrets, published as the ConfigMap <see cref="SettingsMap"/> the container reads whole.</summary>
    public SortedDictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    public string SettingsMap => $"{Name}-settings";

    /// <summary>Files published as ConfigMaps (by kustomize's configMapGenerator): ConfigMap name → file name → its text.</summary>
    public SortedDictionary<string, SortedDictionary<string, string>> FileMaps { get; } = new(StringComparer.Ordinal);

    /// <summary>The Service's ports: one per endpoint, to the container port of the same name.</summary>
    public List<V1ServicePort> ServicePorts { get; } = [];

    /// <summary>The endpoint reached from outside the cluster, if any: its Ingress routes there.</summary>
    public string? ExternalEndpoint { get; set; }

    /// <summary>Set for a workload reached from outside the cluster (an external endpoint).</summary>
    public IngressSettings? Ingress { get; set; }

    /// <summary>Other objects that belong with it (a ServiceAccount, its ClusterRole).</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Extra { get; } = [];

    public Dictionary<string, string> Labels => new()
    {
        ["app.kubernetes.io/name"] = Name,
        ["app.kubernetes.io/part-of"] = KubernetesManifests.PartOf,
    };

    /// <summary>A claim of <paramref name="size"/> mounted at <paramref name="path"/>.</summary>
    public KubernetesWorkload WithClaim(string claim, string path, string size)
    {
        Claims.Add(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = claim },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
            },
        });
        Mount(claim, path);
        return this;
    }

    /// <summary>
    /// Files mounted read-only at <paramref name="path"/>, from a ConfigMap named <paramref name="map"/>
    /// that kustomize generates from them (<see cref="FileMaps"/>).
    /// </summary>
    public KubernetesWorkload WithFiles(string map, SortedDictionary<string, string> files, string path)
    {
        FileMaps[map] = files;
        (Pod.Volumes ??= []).Add(new V1Volume { Name = map, ConfigMap = new V1ConfigMapVolumeSource { Name = map } });
        Mount(map, path, readOnly: true);
        return this;
    }

    /// <summary>An empty folder for the pod's life (a writable /tmp under a read-only root).</summary>
    public KubernetesWorkload WithEmptyDir(string volume, string path)
    {
        (Pod.Volumes ??= []).Add(new V1Volume { Name = volume, EmptyDir = new V1EmptyDirVolumeSource() });
        Mount(volume, path);
        return this;
    }

    /// <summary>CPU and memory: requests, and limits where given (null: none).</summary>
    public KubernetesWorkload WithResources(string cpuRequest, string memoryRequest, string? memoryLimit, string? cpuLimit = null)
    {
        var limits = new Dictionary<string, ResourceQuantity>();
        if (memoryLimit is not null)
        {
            limits["memory"] = new ResourceQuantity(memoryLimit);
        }
        if (cpuLimit is not null)
        {
            limits["cpu"] = new ResourceQuantity(cpuLimit);
        }
        Container.Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest), ["memory"] = new(memoryRequest) },
            Limits = limits.Count > 0 ? limits : null,
        };
        return this;
    }

    private void Mount(string volume, string path, bool readOnly = false) =>
        (Container.VolumeMounts ??= []).Add(new V1VolumeMount { Name = volume, MountPath = path, ReadOnlyProperty = readOnly ? true : null });
}

/// <summary>An Ingress in front of the workload's external endpoint.</summary>
internal sealed record IngressSettings(string Host, string ClassName, IReadOnlyDictionary<string, string> Annotations);

/// <summary>Adds to a resource's Kubernetes objects what the application model cannot say.</summary>
internal sealed class KubernetesWorkloadAnnotation(Action<KubernetesWorkload> configure) : IResourceAnnotation
{
    public Action<KubernetesWorkload> Configure { get; } = configure;
}

internal static class KubernetesWorkloadExtensions
{
    /// <summary>How the resource is published beyond what the model says; applied after the model's own mapping.</summary>
    public static IResourceBuilder<T> PublishAsKubernetesWorkload<T>(this IResourceBuilder<T> builder, Action<KubernetesWorkload> configure)
        where T : IResource =>
        builder.WithAnnotation(new KubernetesWorkloadAnnotation(configure));
}

internal static class PodSecurity
{
    /// <summary>
    /// Runs as <paramref name="user"/> (and its group, which owns the volumes), never as root,
    /// with no way to gain privileges, no capabilities, and, where the app writes only to its
    /// volumes, a read-only root file system.
    /// </summary>
    public static KubernetesWorkload RunsUnprivileged(this KubernetesWorkload workload, long user, bool readOnlyRoot)
    {
        workload.Pod.SecurityContext = new V1PodSecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = user,
            RunAsGroup = user,
            FsGroup = user,
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        };
        workload.Container.SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = readOnlyRoot,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        return workload;
    }
}
