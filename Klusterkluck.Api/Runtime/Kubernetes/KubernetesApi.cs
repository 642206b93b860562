using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>The calls the runtime makes, one <see cref="ResourceClient{T}"/> per kind it creates.</summary>
public sealed class KubernetesApi(IKubernetes client)
{
    private const int ConflictAttempts = 5;

    public IKubernetes Client => client;

    public ResourceClient<V1Secret> Secrets { get; } = new(
        (n, ns, c) => client.CoreV1.ReadNamespacedSecretAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.CoreV1.CreateNamespacedSecretAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.CoreV1.ReplaceNamespacedSecretAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.CoreV1.DeleteNamespacedSecretAsync(n, ns, cancellationToken: c));

    public ResourceClient<V1Deployment> Deployments { get; } = new(
        (n, ns, c) => client.AppsV1.ReadNamespacedDeploymentAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.AppsV1.CreateNamespacedDeploymentAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.AppsV1.ReplaceNamespacedDeploymentAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.AppsV1.DeleteNamespacedDeploymentAsync(n, ns, cancellationToken: c));

    public ResourceClient<V1Service> Services { get; } = new(
        (n, ns, c) => client.CoreV1.ReadNamespacedServiceAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.CoreV1.CreateNamespacedServiceAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.CoreV1.ReplaceNamespacedServiceAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.CoreV1.DeleteNamespacedServiceAsync(n, ns, cancellationToken: c));

    public ResourceClient<V1Ingress> Ingresses { get; } = new(
        (n, ns, c) => client.NetworkingV1.ReadNamespacedIngressAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.NetworkingV1.CreateNamespacedIngressAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.NetworkingV1.ReplaceNamespacedIngressAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.NetworkingV1.DeleteNamespacedIngressAsync(n, ns, cancellationToken: c));

    public ResourceClient<V2HorizontalPodAutoscaler> Autoscalers { get; } = new(
        (n, ns, c) => client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(n, ns, cancellationToken: c));

    public ResourceClient<V1NetworkPolicy> NetworkPolicies { get; } = new(
        (n, ns, c) => client.NetworkingV1.ReadNamespacedNetworkPolicyAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.NetworkingV1.ReplaceNamespacedNetworkPolicyAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(n, ns, cancellationToken: c));

    public ResourceClient<V1ResourceQuota> Quotas { get; } = new(
        (n, ns, c) => client.CoreV1.ReadNamespacedResourceQuotaAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.CoreV1.CreateNamespacedResourceQuotaAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.CoreV1.ReplaceNamespacedResourceQuotaAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.CoreV1.DeleteNamespacedResourceQuotaAsync(n, ns, cancellationToken: c));

    /// <summary>Build Jobs; one deleted takes its pods with it (for Jobs the API's default is to orphan them).</summary>
    public ResourceClient<V1Job> Jobs { get; } = new(
        (n, ns, c) => client.BatchV1.ReadNamespacedJobAsync(n, ns, cancellationToken: c),
        (o, ns, c) => client.BatchV1.CreateNamespacedJobAsync(o, ns, cancellationToken: c),
        (o, n, ns, c) => client.BatchV1.ReplaceNamespacedJobAsync(o, n, ns, cancellationToken: c),
        (n, ns, c) => client.BatchV1.DeleteNamespacedJobAsync(n, ns, propagationPolicy: "Background", cancellationToken: c));

    /// <summary>
    /// Namespaces are cluster-scoped: created when missing, their labels put back when changed.
    /// One being deleted (Terminating) cannot take new objects, which the caller's next call reports.
    /// </summary>
    public Task EnsureNamespaceAsync(V1Namespace desired, CancellationToken cancellationToken) => RetryOnConflictAsync(async () =>
    {
        V1Namespace existing;
        try
        {
            existing = await client.CoreV1.ReadNamespaceAsync(desired.Metadata.Name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return await client.CoreV1.CreateNamespaceAsync(desired, cancellationToken: cancellationToken);
        }
        if (desired.Metadata.Labels.All(l => existing.Metadata.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value))
        {
            return existing;
        }
        existing.Metadata.Labels = new Dictionary<string, string>(existing.Metadata.Labels ?? new Dictionary<string, string>());
        foreach (var (key, value) in desired.Metadata.Labels)
        {
            existing.Metadata.Labels[key] = value;
        }
        return await client.CoreV1.ReplaceNamespaceAsync(existing, existing.Metadata.Name, cancellationToken: cancellationToken);
    }, cancellationToken);

    /// <summary>
    /// Runs a read-then-write; a 409 (someone wrote in between, or created it first) runs it
    /// again, up to <see cref="ConflictAttempts"/> times, with a growing pause.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt * attempt), cancellationToken);
            }
        }
    }

    /// <summary>Whether an exception is the API server's answer or its absence, which callers report instead of crashing.</summary>
    public static bool IsApiFailure(Exception e) => e is HttpOperationException or HttpRequestException;

    /// <summary>
    /// Sets a Deployment's replicas through its <c>scale</c> subresource, as an autoscaler does:
    /// nothing else of the Deployment is written, so a deploy in flight is not overwritten.
    /// </summary>
    public Task<V1Scale> ScaleAsync(string name, string ns, int replicas, CancellationToken cancellationToken) => RetryOnConflictAsync(async () =>
    {
        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync(name, ns, cancellationToken: cancellationToken);
        scale.Spec ??= new V1ScaleSpec();
        scale.Spec.Replicas = replicas;
        return await client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, name, ns, cancellationToken: cancellationToken);
    }, cancellationToken);

    public async Task<IList<V1Pod>> PodsAsync(string ns, string selector, CancellationToken cancellationToken) =>
        (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: cancellationToken)).Items;

    public async Task<IList<V1Job>> JobsAsync(string ns, string selector, CancellationToken cancellationToken) =>
        (await client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: selector, cancellationToken: cancellationToken)).Items;

    public async Task<IList<V1Deployment>> DeploymentsAsync(string ns, string selector, CancellationToken cancellationToken) =>
        (await client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: selector, cancellationToken: cancellationToken)).Items;

    /// <summary>One line for the function's owner from an API error: what was refused and the API server's own reason.</summary>
    public static string Describe(Exception e) => e switch
    {
        HttpOperationException http => $"the Kubernetes API answered {(int)http.Response.StatusCode} ({http.Response.StatusCode}): {StatusMessage(http.Response.Content)}",
        HttpRequestException request => $"the Kubernetes API could not be reached: {request.Message}",
        _ => e.Message,
    };

    private static string StatusMessage(string? content)
    {
        try
        {
            return content is { Length: > 0 } && JsonSerializer.Deserialize<V1Status>(content, new JsonSerializerOptions(JsonSerializerDefaults.Web)) is { Message: { Length: > 0 } message }
                ? message
                : "no reason given";
        }
        catch (JsonException)
        {
            return "no reason given";
        }
    }
}
