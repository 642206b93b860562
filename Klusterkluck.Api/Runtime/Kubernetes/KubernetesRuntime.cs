using System.Collections.Concurrent;
using System.Globalization;
using k8s;
using k8s.Models;
using Klusterkluck.Api.Git;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>
/// Functions as Kubernetes objects: per user a namespace (<see cref="TenantObjects"/>), per
/// function a Secret, Deployment, Service, Ingress and optional HorizontalPodAutoscaler
/// (<see cref="FunctionObjects"/>). A deploy changes KK_GIT_COMMIT in the pod template and
/// Kubernetes rolls it out; the deploy waits for the rollout, and one that fails is undone by
/// putting the previous commit back, so the previous pods keep serving as they do locally.
/// Connectors (KubernetesConnectors.cs): per connector node a Secret and a Deployment (<see cref="ConnectorObjects"/>).
/// Builds, before a deploy: a Job per (function, commit) (<see cref="KubernetesBuilder"/>).
/// Scale to zero and autoscaling on concurrency: KubernetesRuntime.Scaling.cs.
/// </summary>
public sealed partial class KubernetesRuntime(
    KubernetesApi api, IOptions<KubernetesRuntimeOptions> options, GitTokens tokens, Builds.BuildTokens buildTokens, TokenIssuer issuer,
    ScaleMetrics metrics, IOptions<Scaling.ScalingOptions> scaling, IHostApplicationLifetime lifetime, ILogger<KubernetesRuntime> logger)
    : IRuntime
{
    /// <summary>What the gateway needs per request, without asking the API server: is it known, has it ever been ready.</summary>
    private readonly ConcurrentDictionary<FunctionId, bool> _ready = new();

    private KubernetesRuntimeOptions Options => options.Value;

    public async Task PrepareTenantAsync(string user, CancellationToken cancellationToken)
    {
        await api.EnsureNamespaceAsync(TenantObjects.NamespaceObject(Options, user), cancellationToken);
        await api.NetworkPolicies.ApplyAsync(TenantObjects.NetworkPolicy(Options, user), cancellationToken);
        await api.Quotas.ApplyAsync(TenantObjects.ResourceQuota(Options, user), cancellationToken);
    }

    public async Task DeployAsync(FunctionDeployment deployment, CancellationToken cancellationToken)
    {
        var id = deployment.Id;
        _ready.TryAdd(id, false);
        try
        {
            await PrepareTenantAsync(id.User, cancellationToken);
            await api.Secrets.ApplyAsync(SecretOf(id), cancellationToken);
            var ns = TenantObjects.Namespace(Options, id.User);
            var existing = await api.Deployments.TryReadAsync(id.Name, ns, cancellationToken);
            var previous = CommitOf(existing);
            var scaled = ApiScales(deployment);
            var replicas = scaled ? DeployedReplicas(deployment) : deployment.Replicas;
            var applied = await ApplyDeploymentAsync(deployment, cancellationToken, replicas);
            await api.Services.ApplyAsync(FunctionObjects.Service(Options, id), cancellationToken, KeepClusterIp);
            if (scaled || deployment.Throttled)
            {
                // Every request through the gateway: it counts them, wakes the function from zero, holds its throttle.
                await api.Ingresses.DeleteAsync(id.Name, ns, cancellationToken);
            }
            else
            {
                await api.Ingresses.ApplyAsync(FunctionObjects.Ingress(Options, id), cancellationToken);
            }
            if (FunctionObjects.Autoscales(deployment))
            {
                await api.Autoscalers.ApplyAsync(FunctionObjects.Autoscaler(Options, deployment), cancellationToken);
            }
            else
            {
                await api.Autoscalers.DeleteAsync(id.Name, ns, cancellationToken);
            }

            if (await WaitForRolloutAsync(deployment, applied.Metadata.Generation ?? 0, cancellationToken) is { } failure)
            {
                if (previous is not null && previous != deployment.Commit)
                {
                    // Served from its build if it was: the artifact of a deployed commit is kept (BuildService.Prune).
                    await ApplyDeploymentAsync(deployment with { Commit = previous, Artifact = ArtifactOf(existing) }, cancellationToken, replicas);
                    LogRolledBack(logger, id.ToString(), previous[..Math.Min(12, previous.Length)]);
                }
                throw new DeployException(failure);
            }
            Track(deployment, replicas);
            _ready[id] = true;
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            throw new DeployException(KubernetesApi.Describe(e));
        }
    }

    public async Task RemoveAsync(FunctionId id, CancellationToken cancellationToken)
    {
        _ready.TryRemove(id, out _);
        _scaled.TryRemove(id, out _);
        var ns = TenantObjects.Namespace(Options, id.User);
        try
        {
            await api.Autoscalers.DeleteAsync(id.Name, ns, cancellationToken);
            await api.Ingresses.DeleteAsync(id.Name, ns, cancellationToken);
            await api.Services.DeleteAsync(id.Name, ns, cancellationToken);
            await api.Deployments.DeleteAsync(id.Name, ns, cancellationToken);
            await api.Secrets.DeleteAsync(FunctionObjects.SecretName(id), ns, cancellationToken);
            // Finished builds would go by their TTL; one still running stops now.
            foreach (var job in await api.JobsAsync(ns, Labels.BuildSelectorText(id), cancellationToken))
            {
                await api.Jobs.DeleteAsync(job.Metadata.Name, ns, cancellationToken);
            }
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e) || e is System.Text.Json.JsonException)
        {
            // The function is gone from the store already; what is left carries its labels
            // (klusterkluck.io/function) for an operator to remove.
            LogRemoveFailed(logger, id.ToString(), KubernetesApi.Describe(e));
        }
    }

    public RouteLease Route(FunctionId id) =>
        _scaled.TryGetValue(id, out var scaled) ? scaled.Lease(Address(id))
        : _ready.TryGetValue(id, out var ready) ? new RouteLease(true, ready ? Address(id) : null, null) : RouteLease.Unknown;

    public async Task<IReadOnlyList<ReplicaStatus>> ReplicasAsync(FunctionId id, CancellationToken cancellationToken) =>
        [.. (await PodsAsync(id, cancellationToken)).Select((pod, index) =>
            new ReplicaStatus(index, CommitOf(pod), Rollout.State(pod), Restarts(pod), null, pod.Metadata.Name))];

    public async Task<IReadOnlyList<ReplicaLog>> LogsAsync(FunctionId id, int lines, CancellationToken cancellationToken)
    {
        var pods = await PodsAsync(id, cancellationToken);
        var logs = new List<ReplicaLog>();
        foreach (var (pod, index) in pods.Select((pod, index) => (pod, index)))
        {
            logs.Add(new ReplicaLog(index, CommitOf(pod), Rollout.State(pod), await PodLogAsync(pod, lines, cancellationToken), pod.Metadata.Name));
        }
        return logs;
    }

    /// <summary>The function's Secret: the read token its pods fetch code with, and the upload token its build Jobs deliver with.</summary>
    internal V1Secret SecretOf(FunctionId id) =>
        FunctionObjects.Secret(Options, id, tokens.ReadToken(id.User, id.Name), buildTokens.UploadToken(id.User, id.Name));

    private async Task<V1Deployment> ApplyDeploymentAsync(FunctionDeployment deployment, CancellationToken cancellationToken, int replicas)
    {
        // Under a HorizontalPodAutoscaler the replica count is its to set once the Deployment
        // exists, not ours to reset on every deploy.
        var autoscales = FunctionObjects.Autoscales(deployment);
        var desired = FunctionObjects.Deployment(Options, deployment, deployment.Public ? null : issuer, replicas);
        return await api.Deployments.ApplyAsync(desired, cancellationToken, (existing, wanted) =>
        {
            if (autoscales && existing.Spec.Replicas is { } current)
            {
                wanted.Spec.Replicas = current;
            }
        });
    }

    private static void KeepClusterIp(V1Service existing, V1Service desired)
    {
        // Assigned by the cluster and immutable: a replace must carry it.
        desired.Spec.ClusterIP = existing.Spec.ClusterIP;
        desired.Spec.ClusterIPs = existing.Spec.ClusterIPs;
    }

    /// <summary>Polls until the rollout completes; null when it did, or why it did not.</summary>
    private async Task<string?> WaitForRolloutAsync(FunctionDeployment deployment, long generation, CancellationToken cancellationToken)
    {
        var id = deployment.Id;
        var ns = TenantObjects.Namespace(Options, id.User);
        var deadline = DateTime.UtcNow + Options.RolloutTimeout;
        while (true)
        {
            var current = await api.Deployments.TryReadAsync(id.Name, ns, cancellationToken)
                ?? throw new DeployException("the function's Deployment was deleted during its rollout");
            var pods = await api.PodsAsync(ns, $"{Labels.SelectorText(id)},{Labels.Commit}={deployment.Commit}", cancellationToken);
            switch (Rollout.Evaluate(current, generation, pods))
            {
                case "":
                    return null;
                case { } failure:
                    return failure;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return $"the rollout did not finish within {Options.RolloutTimeout.TotalSeconds:0} s " +
                    $"({current.Status?.UpdatedReplicas ?? 0} of {current.Spec.Replicas ?? 1} replicas updated, {current.Status?.AvailableReplicas ?? 0} available)";
            }
            await Task.Delay(Options.PollInterval, cancellationToken);
        }
    }

    /// <summary>The function's pods, oldest first; none when the API server cannot say (the function's view still answers).</summary>
    private async Task<IList<V1Pod>> PodsAsync(FunctionId id, CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await api.PodsAsync(TenantObjects.Namespace(Options, id.User), Labels.SelectorText(id), cancellationToken))
                .OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)];
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            LogReadFailed(logger, id.ToString(), KubernetesApi.Describe(e));
            return [];
        }
    }

    private async Task<IReadOnlyList<LogLine>> PodLogAsync(V1Pod pod, int lines, CancellationToken cancellationToken)
    {
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
        // A container waiting to restart has no output yet; its last run's says why it stopped.
        var previous = container is { RestartCount: > 0, State.Running: null };
        try
        {
            using var stream = await api.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                container: FunctionObjects.Container, tailLines: lines, timestamps: true, previous: previous, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(cancellationToken);
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseLogLine)];
        }
        catch (Exception e) when (KubernetesApi.IsApiFailure(e))
        {
            return [new LogLine(DateTimeOffset.UtcNow, "klusterkluck", $"no logs: {KubernetesApi.Describe(e)}")];
        }
    }

    /// <summary>kubelet's <c>timestamps=true</c> format: an RFC 3339 time with nanoseconds, a space, the line.</summary>
    internal static LogLine ParseLogLine(string line)
    {
        var space = line.IndexOf(' ');
        if (space > 0)
        {
            var stamp = line[..space];
            // .NET parses at most seven fraction digits; kubelet writes nine.
            var dot = stamp.IndexOf('.');
            var trimmed = dot > 0 && stamp.Length - dot > 9 ? stamp[..(dot + 8)] + stamp[(stamp.Length - 1)..] : stamp;
            if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return new LogLine(time, "output", line[(space + 1)..].TrimEnd('\r'));
            }
        }
        return new LogLine(DateTimeOffset.UtcNow, "output", line.TrimEnd('\r'));
    }

    private string Address(FunctionId id) =>
        Options.ServiceAddress.Replace("{function}", id.Name, StringComparison.Ordinal)
            .Replace("{namespace}", TenantObjects.Namespace(Options, id.User), StringComparison.Ordinal)
            .TrimEnd('/') + FunctionObjects.PathBase(id) + "/";

    private static string? CommitOf(V1Deployment? deployment) =>
        deployment?.Spec.Template.Spec.Containers.FirstOrDefault(c => c.Name == FunctionObjects.Container)?.Env?
            .FirstOrDefault(e => e.Name == "KK_GIT_COMMIT")?.Value;

    /// <summary>Whether the Deployment serves its commit from a build: its KK_ARTIFACT_URL (this runtime only needs to know that there is one).</summary>
    private static string? ArtifactOf(V1Deployment? deployment) =>
        deployment?.Spec.Template.Spec.Containers.FirstOrDefault(c => c.Name == FunctionObjects.Container)?.Env?
            .FirstOrDefault(e => e.Name == "KK_ARTIFACT_URL")?.Value;

    private static string CommitOf(V1Pod pod) => pod.Metadata.Labels?.TryGetValue(Labels.Commit, out var commit) == true ? commit : "";

    private static int Restarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deploy of {Function} failed; its Deployment is back at {Commit}")]
    private static partial void LogRolledBack(ILogger logger, string function, string commit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Objects of the deleted function {Function} could not all be removed: {Reason}")]
    private static partial void LogRemoveFailed(ILogger logger, string function, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the pods of {Function} failed: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string function, string reason);
}
