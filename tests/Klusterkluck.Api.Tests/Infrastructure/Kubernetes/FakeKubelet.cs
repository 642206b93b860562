using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>How the pods of a rollout end up: ready, or stuck with a container waiting reason as a kubelet reports it.</summary>
public sealed record PodOutcome(string? WaitingReason = null, string? WaitingMessage = null, string? LastWords = null)
{
    public static readonly PodOutcome Ready = new();

    public bool IsReady => WaitingReason is null;
}

/// <summary>
/// The fake cluster's deployment controller and kubelet in one: shortly after a Deployment is
/// written it creates the pods of its current template (labels from the template, a
/// pod-template-hash, container statuses per <see cref="Outcome"/>), removes the previous
/// template's pods once the new ones are ready (maxUnavailable 0), and writes the Deployment's
/// status as the controller does: observedGeneration, replicas, updatedReplicas,
/// availableReplicas, conditions.
/// </summary>
public sealed class FakeKubelet(FakeKubernetes cluster) : IDisposable
{
    public const string OwnerLabel = "fake.kubelet/deployment";
    private const string HashLabel = "pod-template-hash";

    private readonly ConcurrentDictionary<string, string> _logs = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Decides each rollout's pods from the Deployment as written; every pod gets ready unless a test says otherwise.</summary>
    public Func<JsonObject, PodOutcome> Outcome { get; set; } = _ => PodOutcome.Ready;

    /// <summary>How long the controller takes to act on a write; the runtime sees the rollout in progress meanwhile.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(300);

    public string LogOf(string pod) => _logs.TryGetValue(pod, out var log) ? log : "";

    /// <summary>Lines a container printed now, kept with their time as the kubelet keeps them.</summary>
    internal void AppendLog(string pod, IEnumerable<string> lines) =>
        _logs.AddOrUpdate(pod, _ => Stamped(lines), (_, log) => log + Stamped(lines));

    /// <summary>A kept line's time: RFC 3339 with nine fraction digits, of which .NET reads seven.</summary>
    internal static DateTimeOffset TimeOf(string line) =>
        DateTimeOffset.Parse(line[..line.IndexOf(' ')].Remove(27, 2), System.Globalization.CultureInfo.InvariantCulture);

    private static string Stamped(IEnumerable<string> lines) =>
        string.Concat(lines.Select(l => $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffffff}00Z {l}\n"));

    internal void Schedule(string ns, string name) =>
        _ = Task.Delay(Delay, _stopping.Token).ContinueWith(_ => Reconcile(ns, name), _stopping.Token, TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);

    private void Reconcile(string ns, string name)
    {
        if (cluster.Get("Deployment", ns, name) is not { } deployment)
        {
            return;
        }
        var template = deployment["spec"]!["template"]!.AsObject();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..10];
        var desired = (int?)deployment["spec"]!["replicas"] ?? 1;
        var outcome = Outcome(deployment);
        var pods = cluster.List("Pod", ns).Where(p => (string?)p["metadata"]!["labels"]?[OwnerLabel] == name).ToList();
        var current = pods.Where(p => (string?)p["metadata"]!["labels"]?[HashLabel] == hash).ToList();
        var old = pods.Except(current).ToList();
        for (var i = current.Count; i < desired; i++)
        {
            var podName = $"{name}-{hash}-{i}";
            cluster.Store("Pod", ns, Pod(ns, podName, template, hash, name, outcome));
            _logs[podName] = Log(outcome);
        }
        foreach (var extra in current.Skip(desired))
        {
            cluster.Remove("Pod", ns, (string)extra["metadata"]!["name"]!);
        }
        if (outcome.IsReady)
        {
            foreach (var pod in old)
            {
                cluster.Remove("Pod", ns, (string)pod["metadata"]!["name"]!);
            }
        }
        var available = outcome.IsReady ? desired : old.Count;
        deployment["status"] = new JsonObject
        {
            ["observedGeneration"] = FakeKubernetes.Generation(deployment),
            ["replicas"] = desired + (outcome.IsReady ? 0 : old.Count),
            ["updatedReplicas"] = desired,
            ["readyReplicas"] = available,
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = outcome.IsReady ? 0 : desired,
            ["conditions"] = new JsonArray(
                // At zero wanted, as many are available as are needed.
                Condition("Available", available > 0 || desired == 0 ? "True" : "False",
                    available > 0 || desired == 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                Condition("Progressing", "True", outcome.IsReady ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")),
        };
        cluster.Store("Deployment", ns, deployment);
    }

    private static JsonObject Pod(string ns, string podName, JsonObject template, string hash, string owner, PodOutcome outcome)
    {
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? [];
        labels[HashLabel] = hash;
        labels[OwnerLabel] = owner;
        var container = (string)template["spec"]!["containers"]![0]!["name"]!;
        var status = new JsonObject
        {
            ["name"] = container,
            ["image"] = template["spec"]!["containers"]![0]!["image"]!.DeepClone(),
            ["ready"] = outcome.IsReady,
            ["restartCount"] = outcome.IsReady ? 0 : 3,
            ["state"] = outcome.IsReady
                ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Now() } }
                : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = outcome.WaitingReason, ["message"] = outcome.WaitingMessage } },
        };
        var metadata = new JsonObject
        {
            ["name"] = podName,
            ["namespace"] = ns,
            ["uid"] = Guid.NewGuid().ToString(),
            ["creationTimestamp"] = Now(),
            ["labels"] = labels,
        };
        // As the ReplicaSet controller does: a pod carries its template's annotations too.
        if (template["metadata"]?["annotations"] is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }
        if (outcome.LastWords is { } lastWords)
        {
            status["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["message"] = lastWords } };
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]!.DeepClone(),
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["conditions"] = new JsonArray(Condition("Ready", outcome.IsReady ? "True" : "False", outcome.IsReady ? null : "ContainersNotReady")),
                ["containerStatuses"] = new JsonArray(status),
            },
        };
    }

    private static string Log(PodOutcome outcome) =>
        outcome.IsReady
            ? $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffffff}00Z klusterkluck-worker listening on http://[::]:8080\n"
            : string.Concat((outcome.LastWords ?? "").Split('\n').Select(l => $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffffff}00Z {l}\n"));

    private static JsonObject Condition(string type, string status, string? reason) =>
        new() { ["type"] = type, ["status"] = status, ["reason"] = reason, ["lastTransitionTime"] = Now() };

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
