namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>One kind the fake API server serves: its REST group/version, plural and kind, as discovery would list them.</summary>
public sealed record Resource(string GroupVersion, string Plural, string Kind, bool Namespaced)
{
    public static readonly IReadOnlyList<Resource> All =
    [
        new("v1", "namespaces", "Namespace", false),
        new("v1", "secrets", "Secret", true),
        new("v1", "services", "Service", true),
        new("v1", "pods", "Pod", true),
        new("v1", "resourcequotas", "ResourceQuota", true),
        new("apps/v1", "deployments", "Deployment", true),
        new("networking.k8s.io/v1", "ingresses", "Ingress", true),
        new("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true),
        new("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true),
        new("batch/v1", "jobs", "Job", true),
    ];

    public static Resource OfKind(string kind) => All.Single(r => r.Kind == kind);

    public static Resource? Find(string groupVersion, string plural) =>
        All.SingleOrDefault(r => r.GroupVersion == groupVersion && r.Plural == plural);

    /// <summary>How the API server names it in messages: <c>deployments.apps</c>, <c>secrets</c>.</summary>
    public string QualifiedName => GroupVersion.Contains('/') ? $"{Plural}.{GroupVersion[..GroupVersion.IndexOf('/')]}" : Plural;

    /// <summary>Kinds whose spec changes bump metadata.generation (all with a spec, as in the real server).</summary>
    public bool HasGeneration => Kind is "Deployment" or "Ingress" or "NetworkPolicy" or "HorizontalPodAutoscaler" or "Job";
}
