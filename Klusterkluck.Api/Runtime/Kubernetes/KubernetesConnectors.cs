using k8s;
using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

// Connectors as Kubernetes objects: per connector node a Secret and a one-replica Deployment of
// the connector host, and for one that listens a Service and maybe an Ingress (ConnectorObjects). Kubernetes restarts a host that exits, so unlike
// functions nothing here waits for a rollout: a connector that cannot start shows in its pod's state.
public sealed partial class KubernetesRuntime
{
    public async Task DeployConnectorAsync(ConnectorDeployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            await PrepareTenantAsync(deployment.Id.User, cancellationToken);
            // The Secret first: the new pods read the token from it when they start.
            await api.Secrets.ApplyAsync(ConnectorObjects.Secret(Options, deployment), cancellationToken);
            await api.Deployments.ApplyAsync(ConnectorObjects.Deployment(Options, deployment), cancellationToken);
            var name = ConnectorObjects.Name(deployment.Id);
            var ns = TenantObjects.Namespace(Options, deployment.Id.User);
            // A node may have changed from a listening connector to another kind, or the operator's ingress domain changed.
            if (deployment.Listen is null)
            {
                await api.Ingresses.DeleteAsync(name, ns, cancellationToken);
                await api.Services.DeleteAsync(name, ns, cancellationToken);
                return;
            }
            await api.Services.ApplyAsync(ConnectorObjects.Service(Options, deployment), cancellationToken, KeepClusterIp);
            if (ConnectorObjects.HasIngress(Options))
            {
                await api.Ingresses.ApplyAsync(ConnectorObjects.Ingress(Options, deployment), cancellationToken);
            }
            else
            {
                await api.Ingresses.DeleteAsync(name, ns, cancellationToken);
            }
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            throw new DeployException(KubernetesApi.Describe(e));
        }
    }

    public async Task RemoveConnectorAsync(ConnectorId id, CancellationToken cancellationToken)
    {
        var name = ConnectorObjects.Name(id);
        var ns = TenantObjects.Namespace(Options, id.User);
        try
        {
            // The way in first, so nothing reaches a connector that is going.
            await api.Ingresses.DeleteAsync(name, ns, cancellationToken);
            await api.Services.DeleteAsync(name, ns, cancellationToken);
            await api.Deployments.DeleteAsync(name, ns, cancellationToken);
            await api.Secrets.DeleteAsync(name, ns, cancellationToken);
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            // Unlike a deleted function's leftovers, a connector left running keeps posting to its
            // target with a valid token: the caller has to know, so this is not only logged.
            throw new DeployException(KubernetesApi.Describe(e));
        }
    }

    public async Task<IReadOnlyList<ConnectorStatus>> ConnectorsAsync(string user, string flow, CancellationToken cancellationToken)
    {
        var ns = TenantObjects.Namespace(Options, user);
        var selector = Labels.FlowSelectorText(flow);
        try
        {
            // The Deployments say which connectors exist, even one whose pod could not be created.
            var deployments = await api.DeploymentsAsync(ns, selector, cancellationToken);
            var pods = await api.PodsAsync(ns, selector, cancellationToken);
            return [.. deployments
                .Select(d => ConnectorState.Of(d, pods.Where(p => LabelOf(p.Metadata, Labels.Connector) == d.Metadata.Name))
                    with { Url = Listens(d) && LabelOf(d.Metadata, Labels.Node) is { } node ? ConnectorObjects.Url(Options, new ConnectorId(user, flow, node)) : null })
                .OrderBy(s => s.Node, StringComparer.Ordinal)];
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            LogConnectorsReadFailed(logger, $"{user}/{flow}", KubernetesApi.Describe(e));
            return [];
        }
    }

    /// <summary>
    /// The connector's pod's log through the API server (as a function's), raw: the host's lines
    /// carry their own timestamps. After a crash, the failed run's (<c>previous</c>).
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConnectorLogAsync(ConnectorId id, int lines, CancellationToken cancellationToken)
    {
        var name = ConnectorObjects.Name(id);
        var ns = TenantObjects.Namespace(Options, id.User);
        try
        {
            if (await api.Deployments.TryReadAsync(name, ns, cancellationToken) is not { } deployment)
            {
                return null;
            }
            if (ConnectorState.CurrentPod(deployment, await api.PodsAsync(ns, $"{Labels.Connector}={name}", cancellationToken)) is not { } pod)
            {
                return ["no pod yet: " + (ConnectorState.Of(deployment, []).Error ?? "the connector's pod has not been created")];
            }
            using var stream = await api.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, ns, container: ConnectorObjects.Container,
                tailLines: lines, previous: ConnectorState.ReadPreviousLog(pod), cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(cancellationToken);
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            LogConnectorsReadFailed(logger, id.ToString(), KubernetesApi.Describe(e));
            return [$"no logs: {KubernetesApi.Describe(e)}"];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the connectors of flow {Flow} failed: {Reason}")]
    private static partial void LogConnectorsReadFailed(ILogger logger, string flow, string reason);

    /// <summary>A listening connector's pod template has the events port (the Service's target).</summary>
    private static bool Listens(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers.Any(c => c.Ports?.Any(p => p.Name == "events") == true);

    private static string? LabelOf(V1ObjectMeta metadata, string key) => metadata.Labels?.TryGetValue(key, out var value) == true ? value : null;
}
