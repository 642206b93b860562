using k8s.Models;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Runtime.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>A connector's state and error as read from its Deployment and pod, in the states the kubelet reports between two crashes.</summary>
public sealed class ConnectorStateTests
{
    private const string Failure = "2026-01-01T00:00:00.000Z fail: Klusterkluck.Connectors.Hosting.ConnectorService[12] Connector nats failed (NatsException: can not connect uris: nats://nats:4222); the host exits so that it is restarted";
    private const string Shutdown = "2026-01-01T00:00:00.001Z info: Microsoft.Hosting.Lifetime[0] Application is shutting down...";

    [Fact]
    public void AConnectorRunningAgainAfterACrashStillSaysWhyItCrashed()
    {
        var status = ConnectorState.Of(Deployment(), [Pod(new V1ContainerStatus
        {
            Name = ConnectorObjects.Container,
            RestartCount = 2,
            State = new V1ContainerState { Running = new V1ContainerStateRunning() },
            LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error", Message = $"{Failure}\n{Shutdown}\n" } },
        })]);

        Assert.Equal(("running", 2), (status.State, status.Restarts));
        Assert.Equal($"{Failure} (exit code 1)", status.Error);
    }

    [Fact]
    public void AConnectorThatHasJustEndedIsRestartingWithItsReason()
    {
        var status = ConnectorState.Of(Deployment(), [Pod(new V1ContainerStatus
        {
            Name = ConnectorObjects.Container,
            RestartCount = 0,
            State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled" } },
        })]);

        Assert.Equal("restarting", status.State);
        Assert.Equal("OOMKilled (exit code 137)", status.Error);
    }

    [Fact]
    public void AConnectorThatRanCleanlyBeforeHasNoError()
    {
        var status = ConnectorState.Of(Deployment(), [Pod(new V1ContainerStatus
        {
            Name = ConnectorObjects.Container,
            RestartCount = 1,
            State = new V1ContainerState { Running = new V1ContainerStateRunning() },
            LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } },
        })]);

        Assert.Equal(("running", null), (status.State, status.Error));
    }

    private static V1Deployment Deployment() => new()
    {
        Metadata = new V1ObjectMeta { Name = "flow-orders-queue-0123456789", Labels = new Dictionary<string, string> { [Labels.Node] = "queue" } },
        Spec = new V1DeploymentSpec { Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta() } },
    };

    private static V1Pod Pod(V1ContainerStatus container) => new()
    {
        Metadata = new V1ObjectMeta { Name = "flow-orders-queue-0123456789-abc", CreationTimestamp = DateTime.UtcNow },
        Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [container] },
    };
}
