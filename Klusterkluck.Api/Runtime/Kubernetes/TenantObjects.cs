using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>A user's namespace and what fences it: a NetworkPolicy and a ResourceQuota.</summary>
public static class TenantObjects
{
    public const string PolicyName = "klusterkluck-tenant";
    public const string QuotaName = "klusterkluck-quota";

    public static string Namespace(KubernetesRuntimeOptions options, string user) => $"{options.NamespacePrefix}{user}";

    public static V1Namespace NamespaceObject(KubernetesRuntimeOptions options, string user) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta { Name = Namespace(options, user), Labels = Labels.ForTenant(user) },
    };

    /// <summary>
    /// Ingress to the namespace's pods only from the namespace itself, the Api (gateway, invoke) and
    /// the ingress controller: another tenant's pods cannot call a function around its token check
    /// or reach a worker directly. Egress stays open: functions call out, and workers fetch their code.
    /// </summary>
    public static V1NetworkPolicy NetworkPolicy(KubernetesRuntimeOptions options, string user) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = PolicyName, NamespaceProperty = Namespace(options, user), Labels = Labels.ForTenant(user) },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector(),
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty =
                    [
                        new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector() },
                        FromNamespace(options.PlatformNamespace),
                        FromNamespace(options.IngressNamespace),
                    ],
                },
            ],
        },
    };

    public static V1ResourceQuota ResourceQuota(KubernetesRuntimeOptions options, string user) => new()
    {
        ApiVersion = "v1",
        Kind = "ResourceQuota",
        Metadata = new V1ObjectMeta { Name = QuotaName, NamespaceProperty = Namespace(options, user), Labels = Labels.ForTenant(user) },
        Spec = new V1ResourceQuotaSpec { Hard = options.Quota.ToDictionary(q => q.Key, q => new ResourceQuantity(q.Value)) },
    };

    private static V1NetworkPolicyPeer FromNamespace(string name) => new()
    {
        // Set by Kubernetes on every namespace (1.21+): selects a namespace by its name.
        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } },
    };
}
