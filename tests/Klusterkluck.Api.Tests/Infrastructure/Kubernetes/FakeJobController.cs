using System.Text.Json.Nodes;

namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>
/// The fake cluster's job controller: shortly after a Job is created it starts its one pod (labels
/// from the template, the Job as its controlling owner, its container running) and marks the Job
/// active, and at <c>activeDeadlineSeconds</c> it fails the Job with DeadlineExceeded and deletes
/// the pod, as the real one does. What the pod does is the test's: it plays the kubelet, runs the
/// container's program itself, and reports its output and end with <see cref="Print"/>,
/// <see cref="Succeed"/> or <see cref="Fail"/>, which write the pod's and the Job's status as the
/// kubelet and the controller would.
/// </summary>
public sealed class FakeJobController(FakeKubernetes cluster) : IDisposable
{
    public const string ControllerUid = "batch.kubernetes.io/controller-uid";
    public const string JobName = "batch.kubernetes.io/job-name";

    /// <summary>Termination messages from logs (FallbackToLogsOnError) keep the last 80 lines, at most 2048 bytes.</summary>
    private const int MessageLines = 80;
    private const int MessageBytes = 2048;

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How long the controller takes to start a Job's pod.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What the API server refuses in a Job (the part of its validation the runtime could get wrong).</summary>
    internal static string? Invalid(JsonObject job)
    {
        var restartPolicy = (string?)job["spec"]?["template"]?["spec"]?["restartPolicy"];
        return restartPolicy is "OnFailure" or "Never"
            ? null
            : $"spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"";
    }

    /// <summary>What the API server fills in on create: the selector on the Job's uid, the labels its pods get, the defaults.</summary>
    internal static void Default(JsonObject job, string uid)
    {
        var name = (string)job["metadata"]!["name"]!;
        var spec = job["spec"]!.AsObject();
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { [ControllerUid] = uid } };
        var template = spec["template"]!.AsObject();
        var metadata = template["metadata"] as JsonObject ?? [];
        template["metadata"] = metadata;
        var labels = metadata["labels"] as JsonObject ?? [];
        metadata["labels"] = labels;
        labels[ControllerUid] = uid;
        labels[JobName] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
        spec["completions"] ??= 1;
        spec["parallelism"] ??= 1;
        spec["backoffLimit"] ??= 6;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= "TerminatingOrFailed";
    }

    internal void Schedule(string ns, string name) =>
        _ = Task.Delay(Delay, _stopping.Token).ContinueWith(_ => Start(ns, name), _stopping.Token, TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);

    /// <summary>The Job's pod (the newest), once the controller started it.</summary>
    public JsonObject? PodOf(string ns, string job) =>
        cluster.Get("Job", ns, job) is { } found
            ? cluster.List("Pod", ns).Where(p => (string?)p["metadata"]!["labels"]?[ControllerUid] == Uid(found))
                .OrderBy(p => (string?)p["metadata"]!["creationTimestamp"], StringComparer.Ordinal).LastOrDefault()
            : null;

    /// <summary>Waits until a Job whose name starts with <paramref name="prefix"/> (and that <paramref name="where"/> accepts) runs its pod; returns the Job.</summary>
    public async Task<JsonObject> WaitRunningAsync(string ns, string prefix, Func<JsonObject, bool>? where = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (var job in cluster.List("Job", ns).Where(j => ((string)j["metadata"]!["name"]!).StartsWith(prefix, StringComparison.Ordinal)
                && (where is null || where(j))))
            {
                if (job["status"]?["active"] is not null && PodOf(ns, (string)job["metadata"]!["name"]!) is not null)
                {
                    return job;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"no Job {prefix}* ran in {ns}: {string.Join(", ", cluster.Names(ns))}");
            await Task.Delay(50);
        }
    }

    /// <summary>The pod's container printed these lines (stdout and stderr as the kubelet keeps them: one stream).</summary>
    public void Print(string ns, string job, string output) =>
        cluster.Kubelet.AppendLog(Name(PodOf(ns, job) ?? throw new InvalidOperationException($"Job {job} has no pod")), Lines(output));

    /// <summary>The container printed <paramref name="output"/> and exited 0: the pod succeeded, and so did the Job.</summary>
    public void Succeed(string ns, string job, string output) => Finish(ns, job, output, 0);

    /// <summary>
    /// The container printed <paramref name="output"/> and exited with <paramref name="exitCode"/>:
    /// the pod failed and, with backoffLimit 0, the Job with it (BackoffLimitExceeded).
    /// </summary>
    public void Fail(string ns, string job, string output, int exitCode = 1) => Finish(ns, job, output, exitCode);

    /// <summary>The kubelet cannot start the pod's container (ImagePullBackOff, say): it waits with that reason, as long as nobody deletes it.</summary>
    public void Stall(string ns, string job, string reason, string message)
    {
        var pod = PodOf(ns, job) ?? throw new InvalidOperationException($"Job {job} has no pod");
        var status = pod["status"]!.AsObject();
        status["phase"] = "Pending";
        status["conditions"] = new JsonArray(Condition("Ready", "False", "ContainersNotReady", null));
        var container = status["containerStatuses"]![0]!.AsObject();
        container["ready"] = false;
        container["started"] = false;
        container["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } };
        cluster.Update("Pod", ns, pod);
    }

    private void Start(string ns, string name)
    {
        if (cluster.Get("Job", ns, name) is not { } job || job["status"]?["startTime"] is not null)
        {
            return;
        }
        var uid = Uid(job);
        var template = job["spec"]!["template"]!.AsObject();
        var containers = template["spec"]!["containers"]!.AsArray();
        var podName = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 6)];
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = podName,
                ["namespace"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = Now(),
                ["labels"] = template["metadata"]!["labels"]!.DeepClone(),
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "batch/v1",
                    ["kind"] = "Job",
                    ["name"] = name,
                    ["uid"] = uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = template["spec"]!.DeepClone(),
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["startTime"] = Now(),
                ["conditions"] = new JsonArray(Condition("Ready", "True", null, null)),
                ["containerStatuses"] = new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c!["name"]!.DeepClone(),
                    ["image"] = c["image"]!.DeepClone(),
                    ["ready"] = true,
                    ["restartCount"] = 0,
                    ["started"] = true,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Now() } },
                })]),
            },
        };
        job["status"] = new JsonObject { ["startTime"] = Now(), ["active"] = 1, ["ready"] = 1, ["terminating"] = 0 };
        if (!cluster.Update("Job", ns, job))
        {
            return;
        }
        cluster.Store("Pod", ns, pod);
        if ((int?)job["spec"]!["activeDeadlineSeconds"] is { } deadline)
        {
            _ = Task.Delay(TimeSpan.FromSeconds(deadline), _stopping.Token).ContinueWith(_ => Expire(ns, name, uid), _stopping.Token,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    /// <summary>As the controller at the deadline: the Job failed with DeadlineExceeded, its running pod deleted.</summary>
    private void Expire(string ns, string name, string uid)
    {
        if (cluster.Get("Job", ns, name) is not { } job || Uid(job) != uid || Finished(job))
        {
            return;
        }
        if (PodOf(ns, name) is { } pod)
        {
            cluster.Remove("Pod", ns, Name(pod));
        }
        const string message = "Job was active longer than specified deadline";
        job["status"] = Status(job, succeeded: false, Condition("FailureTarget", "True", "DeadlineExceeded", message),
            Condition("Failed", "True", "DeadlineExceeded", message));
        cluster.Update("Job", ns, job);
    }

    private void Finish(string ns, string name, string output, int exitCode)
    {
        var job = cluster.Get("Job", ns, name) ?? throw new InvalidOperationException($"no Job {ns}/{name}");
        var pod = PodOf(ns, name) ?? throw new InvalidOperationException($"Job {name} has no pod");
        var lines = Lines(output);
        cluster.Kubelet.AppendLog(Name(pod), lines);
        var terminated = new JsonObject
        {
            ["exitCode"] = exitCode,
            ["reason"] = exitCode == 0 ? "Completed" : "Error",
            ["startedAt"] = pod["status"]!["startTime"]!.DeepClone(),
            ["finishedAt"] = Now(),
        };
        if (exitCode != 0 && (string?)pod["spec"]!["containers"]![0]!["terminationMessagePolicy"] == "FallbackToLogsOnError")
        {
            terminated["message"] = TerminationMessage(lines);
        }
        var status = pod["status"]!.AsObject();
        status["phase"] = exitCode == 0 ? "Succeeded" : "Failed";
        status["conditions"] = new JsonArray(Condition("Ready", "False", "PodCompleted", null));
        var container = status["containerStatuses"]![0]!.AsObject();
        container["ready"] = false;
        container["started"] = false;
        container["state"] = new JsonObject { ["terminated"] = terminated };
        cluster.Update("Pod", ns, pod);
        job["status"] = exitCode == 0
            ? Status(job, succeeded: true, Condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
                Condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"))
            : Status(job, succeeded: false, Condition("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                Condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        cluster.Update("Job", ns, job);
    }

    private static JsonObject Status(JsonObject job, bool succeeded, params JsonObject[] conditions)
    {
        var status = new JsonObject
        {
            ["startTime"] = job["status"]?["startTime"]?.DeepClone() ?? Now(),
            ["active"] = 0,
            ["ready"] = 0,
            ["terminating"] = 0,
            [succeeded ? "succeeded" : "failed"] = 1,
            ["conditions"] = new JsonArray([.. conditions]),
            ["uncountedTerminatedPods"] = new JsonObject(),
        };
        if (succeeded)
        {
            status["completionTime"] = Now();
        }
        return status;
    }

    private static string TerminationMessage(IReadOnlyList<string> lines)
    {
        var message = string.Join('\n', lines.TakeLast(MessageLines));
        return message.Length > MessageBytes ? message[^MessageBytes..] : message;
    }

    private static bool Finished(JsonObject job) =>
        job["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] is "Complete" or "Failed" && (string?)c?["status"] == "True") == true;

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static string Uid(JsonObject job) => (string)job["metadata"]!["uid"]!;

    private static string Name(JsonObject pod) => (string)pod["metadata"]!["name"]!;

    private static JsonObject Condition(string type, string status, string? reason, string? message) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["lastProbeTime"] = Now(),
        ["lastTransitionTime"] = Now(),
    };

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
