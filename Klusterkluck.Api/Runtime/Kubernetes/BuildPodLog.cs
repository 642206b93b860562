using k8s;
using k8s.Models;
using Klusterkluck.Api.Builds;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// A build pod's output copied into the build's log as it comes, so the owner can watch it while
/// it runs. Each read asks for the lines with their times since shortly before the last one copied
/// (the client has <c>sinceSeconds</c>, not <c>sinceTime</c>, and the node's clock may differ from
/// ours, hence the margin) and skips those copied already. The builder's verdict
/// (<c>klusterkluck-worker: why</c>, its last line on failure) is kept as the reason, not logged.
/// </summary>
internal sealed class BuildPodLog(KubernetesApi api, BuildLog log)
{
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(30);

    private DateTimeOffset? _last;
    private int _copiedAtLast;

    /// <summary>The builder's own reason for failing, once it printed one.</summary>
    public string? Reason { get; private set; }

    /// <summary>Copies what the pod printed since the last read; nothing while its container has not started, or when the kubelet cannot say.</summary>
    public async Task ReadAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var state = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == BuildObjects.Container)?.State;
        if (state?.Running is null && state?.Terminated is null)
        {
            return;
        }
        int? since = _last is { } last ? (int)Math.Ceiling((DateTimeOffset.UtcNow - last + s_margin).TotalSeconds) : null;
        string text;
        try
        {
            using var stream = await api.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                container: BuildObjects.Container, timestamps: true, sinceSeconds: since, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            text = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            // Not there yet, or gone with its pod: the next read or the Job's status says more.
            return;
        }
        var equalToLast = 0;
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var line = KubernetesRuntime.ParseLogLine(raw);
            if (_last is { } seen && line.Time < seen)
            {
                continue;
            }
            if (_last == line.Time)
            {
                // Lines of one instant: as many as were copied of it are the ones copied.
                if (++equalToLast <= _copiedAtLast)
                {
                    continue;
                }
                _copiedAtLast++;
            }
            else
            {
                _last = line.Time;
                _copiedAtLast = 1;
                equalToLast = 1;
            }
            Add(line.Text);
        }
    }

    /// <summary>The builder's verdict from the container's termination message (its last lines, as it failed), when the log had none.</summary>
    public void ReadTerminationMessage(V1Pod pod)
    {
        var message = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == BuildObjects.Container)?.State?.Terminated?.Message;
        if (Reason is null && message is not null
            && message.Split('\n').LastOrDefault(l => l.StartsWith(WorkerLines.Prefix, StringComparison.Ordinal)) is { } verdict)
        {
            Reason = verdict[WorkerLines.Prefix.Length..].Trim();
        }
    }

    private void Add(string text)
    {
        if (text.StartsWith(WorkerLines.Prefix, StringComparison.Ordinal))
        {
            Reason = text[WorkerLines.Prefix.Length..];
            return;
        }
        log.Add(text);
    }
}
