using k8s.Models;
using Klusterkluck.AppHost.Kubernetes;

namespace Klusterkluck.AppHost.Platform;

/// <summary>
/// What the Api's Kubernetes runtime does, and nothing more: it creates a namespace per user (so
/// this is a ClusterRole), and in it the function's objects; it reads pods and their logs for the
/// function's state; it scales the Deployments of the functions it scales itself (to zero, on
/// concurrency) through their scale subresource; it lists a flow's connector Deployments and pods for the flow's state; it
/// runs a function's builds as Jobs, reading their pods and logs, and deletes them. It
/// never reads or writes anything outside kk-* namespaces' function and connector objects, but
/// RBAC cannot name namespaces that do not exist yet.
/// </summary>
internal static class ApiRole
{
    private static readonly V1PolicyRule[] s_rules =
    [
        Rule("", ["namespaces"], ["get", "create", "update"]),
        Rule("", ["secrets", "services", "resourcequotas"], ["get", "create", "update", "delete"]),
        Rule("", ["pods"], ["get", "list"]),
        Rule("", ["pods/log"], ["get"]),
        Rule("apps", ["deployments"], ["get", "list", "create", "update", "delete"]),
        Rule("apps", ["deployments/scale"], ["get", "update"]),
        Rule("networking.k8s.io", ["ingresses", "networkpolicies"], ["get", "create", "update", "delete"]),
        Rule("autoscaling", ["horizontalpodautoscalers"], ["get", "create", "update", "delete"]),
        Rule("batch", ["jobs"], ["get", "list", "create", "delete"]),
    ];

    /// <summary>A ServiceAccount for the workload's pods, bound to a ClusterRole of the rules above.</summary>
    public static void Grant(KubernetesWorkload workload)
    {
        workload.Pod.ServiceAccountName = workload.Name;
        workload.Extra.Add(new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = ManifestWriter.Metadata(workload, workload.Name) });
        workload.Extra.Add(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "ClusterRole",
            Metadata = ManifestWriter.Metadata(workload, $"{workload.Namespace}-{workload.Name}"),
            Rules = s_rules,
        });
        workload.Extra.Add(new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "ClusterRoleBinding",
            Metadata = ManifestWriter.Metadata(workload, $"{workload.Namespace}-{workload.Name}"),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = $"{workload.Namespace}-{workload.Name}" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = workload.Name, NamespaceProperty = workload.Namespace }],
        });
    }

    private static V1PolicyRule Rule(string group, string[] resources, string[] verbs) =>
        new() { ApiGroups = [group], Resources = resources, Verbs = verbs };
}
