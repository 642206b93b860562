using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Klusterkluck.Api.Builds;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// Builds on Kubernetes: the commit's build as a Job in its user's namespace
/// (<see cref="BuildObjects"/>), which fetches the commit from the Api and PUTs the artifact back
/// (<see cref="ArtifactUpload"/>). The build waits for the Job, copying its pod's output into the
/// build's log as it comes, and succeeds once the Job did and the artifact arrived. A Job that
/// fails says why with the builder's last line; one that outlives <c>Builds:Timeout</c>, or whose
/// deploy is abandoned, is deleted with its pod.
/// </summary>
public sealed partial class KubernetesBuilder(
    KubernetesApi api, KubernetesRuntime runtime, IOptions<KubernetesRuntimeOptions> options, IOptions<BuildOptions> builds,
    ILogger<KubernetesBuilder> logger) : IBuilder
{
    /// <summary>The Job stops itself at its deadline; this is for a cluster that does not say so.</summary>
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);

    /// <summary>How long a Job deleted a moment ago may still hold its name.</summary>
    private static readonly TimeSpan s_nameTaken = TimeSpan.FromSeconds(30);

    /// <summary>The Job controller labels each pod with its Job's uid (Kubernetes 1.27+): this Job's pod, not a deleted namesake's.</summary>
    private const string ControllerUid = "batch.kubernetes.io/controller-uid";

    private KubernetesRuntimeOptions Options => options.Value;

    public async Task<string?> BuildAsync(BuildJob job, CancellationToken cancellationToken)
    {
        var id = job.Id;
        var ns = TenantObjects.Namespace(Options, id.User);
        var name = BuildObjects.JobName(id, job.Commit);
        try
        {
            await runtime.PrepareTenantAsync(id.User, cancellationToken);
            await api.Secrets.ApplyAsync(runtime.SecretOf(id), cancellationToken);
            // One left by an earlier attempt (the Api stopped while it ran) would hold the name, and could still upload.
            await api.Jobs.DeleteAsync(name, ns, cancellationToken);
            var created = await CreateAsync(BuildObjects.Job(Options, builds.Value, id, job.Commit), cancellationToken);
            job.Log.Add($"Job {ns}/{name} created; image {Options.BuilderImage}");
            try
            {
                return await WaitAsync(job, created, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The deploy was abandoned (the function deleted, the Api stopping): its build stops too.
                await DeleteQuietlyAsync(id, name, ns);
                throw;
            }
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            return $"the build's Job could not run: {KubernetesApi.Describe(e)}";
        }
    }

    private async Task<V1Job> CreateAsync(V1Job desired, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + s_nameTaken;
        while (true)
        {
            try
            {
                return await api.Client.BatchV1.CreateNamespacedJobAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < deadline)
            {
                await Task.Delay(Options.PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>Polls the Job to its end; null once it succeeded and the artifact is there, or why not.</summary>
    private async Task<string?> WaitAsync(BuildJob job, V1Job created, CancellationToken cancellationToken)
    {
        var ns = created.Metadata.NamespaceProperty;
        var name = created.Metadata.Name;
        var uid = created.Metadata.Uid;
        var log = new BuildPodLog(api, job.Log);
        var deadline = DateTime.UtcNow + builds.Value.Timeout + s_grace;
        V1Pod? pod = null;
        while (true)
        {
            var current = await api.Jobs.TryReadAsync(name, ns, cancellationToken);
            if (current is null || current.Metadata.Uid != uid)
            {
                return "the build's Job was deleted before it finished";
            }
            pod = (await api.PodsAsync(ns, $"{ControllerUid}={uid}", cancellationToken)).OrderBy(p => p.Metadata.CreationTimestamp).LastOrDefault() ?? pod;
            if (pod is not null)
            {
                await log.ReadAsync(pod, cancellationToken);
            }
            if (Condition(current, "Complete"))
            {
                return File.Exists(job.ArtifactPath) ? null : "the build's Job succeeded, but its artifact never reached the Api";
            }
            if (current.Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True") is { } failed)
            {
                if (pod is not null)
                {
                    log.ReadTerminationMessage(pod);
                }
                return Failure(failed, pod, log);
            }
            if (pod is not null && Rollout.Failure(pod) is { } stuck)
            {
                await api.Jobs.DeleteAsync(name, ns, cancellationToken);
                return $"the build's pod cannot start: {stuck}";
            }
            if (DateTime.UtcNow >= deadline)
            {
                await api.Jobs.DeleteAsync(name, ns, cancellationToken);
                return $"{TooLate()}; its Job was deleted";
            }
            await Task.Delay(Options.PollInterval, cancellationToken);
        }
    }

    private string Failure(V1JobCondition failed, V1Pod? pod, BuildPodLog log)
    {
        if (failed.Reason == "DeadlineExceeded")
        {
            // Pods refused (a quota too small for the build's resources) are events, not status: the likeliest reason is said.
            return pod is null
                ? $"{TooLate()}: its pod was never created (does the namespace's ResourceQuota admit Runtime:Kubernetes:BuildRequests and BuildLimits?)"
                : $"{TooLate()}; its Job was stopped";
        }
        if (log.Reason is { } reason)
        {
            return reason;
        }
        var exitCode = pod?.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == BuildObjects.Container)?.State?.Terminated?.ExitCode;
        return exitCode is { } code
            ? $"the builder exited with code {code}"
            : $"the build's Job failed: {failed.Reason}{(string.IsNullOrEmpty(failed.Message) ? "" : $": {failed.Message}")}";
    }

    private string TooLate() => $"the build did not finish within {BuildObjects.DeadlineSeconds(builds.Value)} s";

    private static bool Condition(V1Job job, string type) => job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    private async Task DeleteQuietlyAsync(FunctionId id, string name, string ns)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await api.Jobs.DeleteAsync(name, ns, bounded.Token);
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e) || e is OperationCanceledException)
        {
            // It stops at its deadline and goes at its TTL; it carries the function's build label for an operator.
            LogDeleteFailed(logger, id.ToString(), name, e is OperationCanceledException ? "timed out" : KubernetesApi.Describe(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The abandoned build Job {Job} of {Function} could not be deleted: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string function, string job, string reason);
}
