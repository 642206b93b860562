using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>A connector's status read from its Deployment and pods, in the words of <see cref="ConnectorStatus"/>.</summary>
public static class ConnectorState
{
    public static ConnectorStatus Of(V1Deployment deployment, IEnumerable<V1Pod> pods)
    {
        var node = deployment.Metadata.Labels?.TryGetValue(Labels.Node, out var n) == true ? n : deployment.Metadata.Name;
        var revision = RevisionOf(deployment.Spec.Template.Metadata);
        // During a rollout the old pod may still be stopping: the one at the wanted revision says more.
        var pod = pods
            .OrderBy(p => p.Metadata.DeletionTimestamp is null ? 0 : 1)
            .ThenBy(p => RevisionOf(p.Metadata) == revision ? 0 : 1)
            .ThenByDescending(p => p.Metadata.CreationTimestamp)
            .FirstOrDefault();
        if (pod is null)
        {
            // No pod at all: the controller could not create one (a full quota, say) and says so here.
            var failure = deployment.Status?.Conditions?.FirstOrDefault(c => c is { Type: "ReplicaFailure", Status: "True" });
            return new ConnectorStatus(node, revision, "pending", 0, null, failure?.Message);
        }
        var (state, error) = StateOf(pod);
        return new ConnectorStatus(node, RevisionOf(pod.Metadata), state, pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0, null, error,
            pod.Metadata.Name);
    }

    /// <summary>running, pending, terminating, failed, or the container's waiting reason (CrashLoopBackOff…) with why.</summary>
    private static (string State, string? Error) StateOf(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return ("terminating", null);
        }
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == ConnectorObjects.Container);
        if (container?.State?.Waiting is { Reason: { } reason } waiting && reason != "ContainerCreating")
        {
            // The host's last words (its one line when its settings are wrong) say more than the back-off.
            var lastWords = LastLine(container.LastState?.Terminated?.Message);
            return (reason, lastWords ?? LastLine(waiting.Message));
        }
        if (container?.State?.Running is not null)
        {
            return ("running", null);
        }
        if (pod.Status?.Phase is "Failed")
        {
            return ("failed", LastLine(container?.State?.Terminated?.Message) ?? pod.Status.Message);
        }
        // Not yet scheduled or still being created; an unschedulable pod says why.
        var unscheduled = pod.Status?.Conditions?.FirstOrDefault(c => c is { Type: "PodScheduled", Status: "False" });
        return ("pending", unscheduled?.Message);
    }

    private static string RevisionOf(V1ObjectMeta? metadata) =>
        metadata?.Annotations?.TryGetValue(Labels.Revision, out var revision) == true ? revision : "";

    private static string? LastLine(string? text) =>
        text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
