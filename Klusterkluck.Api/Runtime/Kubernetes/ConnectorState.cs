using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>A connector's status read from its Deployment and pods, in the words of <see cref="ConnectorStatus"/>.</summary>
public static class ConnectorState
{
    public static ConnectorStatus Of(V1Deployment deployment, IEnumerable<V1Pod> pods)
    {
        var node = deployment.Metadata.Labels?.TryGetValue(Labels.Node, out var n) == true ? n : deployment.Metadata.Name;
        var revision = RevisionOf(deployment.Spec.Template.Metadata);
        if (CurrentPod(deployment, pods) is not { } pod)
        {
            // No pod at all: the controller could not create one (a full quota, say) and says so here.
            var failure = deployment.Status?.Conditions?.FirstOrDefault(c => c is { Type: "ReplicaFailure", Status: "True" });
            return new ConnectorStatus(node, revision, "pending", 0, null, failure?.Message);
        }
        var (state, error) = StateOf(pod);
        return new ConnectorStatus(node, RevisionOf(pod.Metadata), state, pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0, null, error,
            pod.Metadata.Name);
    }

    /// <summary>The pod that speaks for the connector: during a rollout the old pod may still be stopping, and the one at the wanted revision says more.</summary>
    public static V1Pod? CurrentPod(V1Deployment deployment, IEnumerable<V1Pod> pods)
    {
        var revision = RevisionOf(deployment.Spec.Template.Metadata);
        return pods
            .OrderBy(p => p.Metadata.DeletionTimestamp is null ? 0 : 1)
            .ThenBy(p => RevisionOf(p.Metadata) == revision ? 0 : 1)
            .ThenByDescending(p => p.Metadata.CreationTimestamp)
            .FirstOrDefault();
    }

    /// <summary>
    /// Whether the container's last run is the one to read: it is waiting to restart or has just
    /// ended, so its current run has printed nothing yet, and the last one says why it stopped.
    /// </summary>
    public static bool ReadPreviousLog(V1Pod pod) =>
        ContainerOf(pod) is { RestartCount: > 0, State.Running: null };

    /// <summary>
    /// running, pending, terminating, failed, restarting (it has just ended), or the container's
    /// waiting reason (CrashLoopBackOff…), with why: the last run's reason line and exit code.
    /// </summary>
    private static (string State, string? Error) StateOf(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return ("terminating", null);
        }
        var container = ContainerOf(pod);
        var lastRun = Ended(container?.LastState?.Terminated);
        if (container?.State?.Waiting is { Reason: { } reason } waiting && reason != "ContainerCreating")
        {
            // The host's last words (its one line when its settings are wrong) say more than the back-off.
            return (reason, lastRun ?? LastLine(waiting.Message));
        }
        if (container?.State?.Running is not null)
        {
            // Running again after a crash: the crash's reason stays visible until a run ends cleanly.
            return ("running", container.RestartCount > 0 && container.LastState?.Terminated is { ExitCode: not 0 } ? lastRun : null);
        }
        if (pod.Status?.Phase is "Failed")
        {
            return ("failed", Ended(container?.State?.Terminated) ?? pod.Status.Message);
        }
        if (container?.State?.Terminated is { } terminated)
        {
            // Between its exit and the kubelet's back-off: about to be restarted.
            return ("restarting", Ended(terminated));
        }
        // Not yet scheduled or still being created; an unschedulable pod says why.
        var unscheduled = pod.Status?.Conditions?.FirstOrDefault(c => c is { Type: "PodScheduled", Status: "False" });
        return ("pending", unscheduled?.Message);
    }

    private static string RevisionOf(V1ObjectMeta? metadata) =>
        metadata?.Annotations?.TryGetValue(Labels.Revision, out var revision) == true ? revision : "";

    private static V1ContainerStatus? ContainerOf(V1Pod pod) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == ConnectorObjects.Container);

    /// <summary>The run's reason (from its termination message, the last log lines with FallbackToLogsOnError) and its exit code.</summary>
    private static string? Ended(V1ContainerStateTerminated? terminated) =>
        terminated is null ? null : ConnectorFailure.Describe(ConnectorFailure.ReasonOf(terminated.Message) ?? terminated.Reason, terminated.ExitCode);

    private static string? LastLine(string? text) =>
        text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
