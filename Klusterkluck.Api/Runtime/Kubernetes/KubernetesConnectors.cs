namespace Klusterkluck.Api.Runtime.Kubernetes;

// Placeholder while the Deployment-per-connector implementation is written (issue 7); replaced before the issue closes.
public sealed partial class KubernetesRuntime
{
    public Task DeployConnectorAsync(ConnectorDeployment deployment, CancellationToken cancellationToken) =>
        throw new NotSupportedException("connectors on Kubernetes are not written yet");

    public Task RemoveConnectorAsync(ConnectorId id, CancellationToken cancellationToken) =>
        throw new NotSupportedException("connectors on Kubernetes are not written yet");

    public Task<IReadOnlyList<ConnectorStatus>> ConnectorsAsync(string user, string flow, CancellationToken cancellationToken) =>
        throw new NotSupportedException("connectors on Kubernetes are not written yet");
}
