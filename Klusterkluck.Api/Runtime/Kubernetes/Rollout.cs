using k8s.Models;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// Where a Deployment's rollout stands, read the way <c>kubectl rollout status</c> reads it, plus
/// the pods' own reasons: a pod that cannot pull its image or keeps crashing will not get better
/// by waiting, so the deploy fails at once with the reason instead of at the deadline.
/// </summary>
public static class Rollout
{
    /// <summary>Container states that need the function's owner (or operator), not more time.</summary>
    private static readonly HashSet<string> s_fatal =
    [
        "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull",
        "CreateContainerConfigError", "CreateContainerError", "CrashLoopBackOff", "RunContainerError",
    ];

    /// <summary>Null while in progress, "" once complete, or why it failed.</summary>
    public static string? Evaluate(V1Deployment deployment, long generation, IEnumerable<V1Pod> pods)
    {
        foreach (var pod in pods)
        {
            if (Failure(pod) is { } failure)
            {
                return failure;
            }
        }
        var status = deployment.Status;
        if (status is null || (status.ObservedGeneration ?? 0) < generation)
        {
            return null;
        }
        if (status.Conditions?.FirstOrDefault(c => c.Type == "Progressing") is { Reason: "ProgressDeadlineExceeded" } deadline)
        {
            return $"the rollout made no progress in time: {deadline.Message}";
        }
        var desired = deployment.Spec.Replicas ?? 1;
        var updated = status.UpdatedReplicas ?? 0;
        var done = updated >= desired && (status.Replicas ?? 0) <= updated && (status.AvailableReplicas ?? 0) >= updated;
        return done ? "" : null;
    }

    /// <summary>Why a pod cannot serve, when waiting will not help; null otherwise.</summary>
    public static string? Failure(V1Pod pod)
    {
        foreach (var container in pod.Status?.ContainerStatuses ?? [])
        {
            if (container.State?.Waiting is { Reason: { } reason } waiting && s_fatal.Contains(reason))
            {
                var lastWords = container.LastState?.Terminated?.Message?.Trim();
                var detail = string.IsNullOrEmpty(lastWords) ? waiting.Message : lastWords;
                return string.IsNullOrWhiteSpace(detail) ? $"{reason} ({pod.Metadata.Name})" : $"{reason} ({pod.Metadata.Name}): {OneLine(detail)}";
            }
        }
        return null;
    }

    /// <summary>A replica's state for the function's view: ready, starting, terminating, or the container's waiting reason.</summary>
    public static string State(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return "terminating";
        }
        if (pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason is { } reason && reason != "ContainerCreating")
        {
            return reason;
        }
        if (pod.Status?.Phase is "Failed")
        {
            return "failed";
        }
        return pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "ready" : "starting";
    }

    private static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The worker's own verdict, when it gave one, says more than the lines before it.
        return lines.LastOrDefault(l => l.Contains(Klusterkluck.Functions.WorkerLines.Prefix, StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "";
    }
}
