using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// Create-or-replace and delete for one kind of namespaced object, over the client's typed calls.
/// Apply is idempotent: it reads the object, creates it when missing, or replaces it at the
/// resourceVersion it read; a conflict (someone wrote in between, or created it first) reads
/// again and retries.
/// </summary>
public sealed class ResourceClient<T>(
    Func<string, string, CancellationToken, Task<T>> read,
    Func<T, string, CancellationToken, Task<T>> create,
    Func<T, string, string, CancellationToken, Task<T>> replace,
    Func<string, string, CancellationToken, Task> delete)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The object, or null when it does not exist.</summary>
    public async Task<T?> TryReadAsync(string name, string ns, CancellationToken cancellationToken)
    {
        try
        {
            return await read(name, ns, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Makes the object look like <paramref name="desired"/>; <paramref name="carryOver"/> keeps what the cluster owns (a Service's IP, say).</summary>
    public Task<T> ApplyAsync(T desired, CancellationToken cancellationToken, Action<T, T>? carryOver = null)
    {
        var name = desired.Metadata.Name;
        var ns = desired.Metadata.NamespaceProperty;
        return KubernetesApi.RetryOnConflictAsync(async () =>
        {
            if (await TryReadAsync(name, ns, cancellationToken) is not { } existing)
            {
                desired.Metadata.ResourceVersion = null;
                return await create(desired, ns, cancellationToken);
            }
            desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            // Annotations others wrote (the deployment controller's revision, say) stay.
            if (existing.Metadata.Annotations is { Count: > 0 } annotations)
            {
                desired.Metadata.Annotations = new Dictionary<string, string>(annotations.Concat(
                    (desired.Metadata.Annotations ?? new Dictionary<string, string>()).Where(a => !annotations.ContainsKey(a.Key))));
            }
            carryOver?.Invoke(existing, desired);
            return await replace(desired, name, ns, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Deletes the object; one already gone is fine.</summary>
    public async Task DeleteAsync(string name, string ns, CancellationToken cancellationToken)
    {
        try
        {
            await delete(name, ns, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}
