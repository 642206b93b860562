using System.ComponentModel.DataAnnotations;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Functions;

/// <param name="Name">A DNS-1123 label of 2 to 40 characters, unique among the caller's functions.</param>
/// <param name="Kind">nodejs, exec, static or dotnet: which template the repository starts from.</param>
/// <param name="Public">Public functions answer without a token.</param>
/// <param name="Replicas">The fewest worker processes serving it (default 1); <paramref name="MinReplicas"/> is the same setting.</param>
/// <param name="MaxReplicas">Scale out up to this many replicas on load (Kubernetes runtime: a HorizontalPodAutoscaler on CPU); at least <paramref name="Replicas"/>. The local runtime runs <paramref name="Replicas"/>.</param>
/// <param name="MinReplicas">The fewest replicas (default 1); 0: no worker after <paramref name="IdleTimeoutSeconds"/> without a request, and one starts on the next request.</param>
/// <param name="TargetConcurrency">Requests in flight per replica that autoscaling aims at (1 to 1000).</param>
/// <param name="IdleTimeoutSeconds">With <paramref name="MinReplicas"/> 0: how long without a request before it has no worker (default 300).</param>
/// <param name="RateLimit">At most this many requests per <paramref name="RateLimitWindowSeconds"/> (default 1 s) reach it; more get 429 with Retry-After.</param>
/// <param name="MaxInFlight">At most this many requests at once reach it; more get 429.</param>
public sealed record CreateFunctionRequest(
    [property: Required, FunctionName] string Name,
    [property: Required, AllowedValues("nodejs", "exec", "static", "dotnet")] string Kind,
    bool? Public,
    [property: Range(0, FunctionRules.MaxReplicas)] int? Replicas,
    [property: Range(1, FunctionRules.MaxReplicas)] int? MaxReplicas = null,
    [property: Range(0, FunctionRules.MaxReplicas)] int? MinReplicas = null,
    [property: Range(1, FunctionRules.MaxTargetConcurrency)] int? TargetConcurrency = null,
    [property: Range(1, FunctionRules.MaxIdleTimeoutSeconds)] int? IdleTimeoutSeconds = null,
    [property: Range(1, FunctionRules.MaxRateLimit)] int? RateLimit = null,
    [property: Range(1, FunctionRules.MaxRateLimitWindowSeconds)] int? RateLimitWindowSeconds = null,
    [property: Range(1, FunctionRules.MaxInFlight)] int? MaxInFlight = null) : IValidatableObject
{
    /// <summary>The minimum, by either name.</summary>
    public int Minimum => MinReplicas ?? Replicas ?? 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinReplicas is { } min && Replicas is { } replicas && min != replicas)
        {
            yield return new ValidationResult("replicas and minReplicas are the same setting: give one.", [nameof(MinReplicas)]);
        }
        if (FunctionRules.BadMaximum(Minimum, MaxReplicas) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(MaxReplicas)]);
        }
        if (RateLimitWindowSeconds is not null && RateLimit is null)
        {
            yield return new ValidationResult(FunctionRules.WindowWithoutLimit, [nameof(RateLimitWindowSeconds)]);
        }
    }
}

/// <summary>PATCH /api/v1/functions/{name}: the settings to change; an absent one stays as it is.</summary>
/// <param name="MaxReplicas">0 removes the upper bound (no autoscaling).</param>
/// <param name="TargetConcurrency">0 turns autoscaling on concurrency off.</param>
/// <param name="RateLimit">0 removes the rate limit.</param>
/// <param name="MaxInFlight">0 removes the limit on requests at once.</param>
public sealed record UpdateFunctionRequest(
    bool? Public,
    [property: Range(0, FunctionRules.MaxReplicas)] int? MinReplicas,
    [property: Range(0, FunctionRules.MaxReplicas)] int? MaxReplicas,
    [property: Range(0, FunctionRules.MaxTargetConcurrency)] int? TargetConcurrency,
    [property: Range(1, FunctionRules.MaxIdleTimeoutSeconds)] int? IdleTimeoutSeconds,
    [property: Range(0, FunctionRules.MaxRateLimit)] int? RateLimit = null,
    [property: Range(1, FunctionRules.MaxRateLimitWindowSeconds)] int? RateLimitWindowSeconds = null,
    [property: Range(0, FunctionRules.MaxInFlight)] int? MaxInFlight = null)
{
    /// <summary>Whether the replicas must change (a redeploy): any setting but the throttle's limits.</summary>
    public bool ChangesDeployment => Public is not null || MinReplicas is not null || MaxReplicas is not null
        || TargetConcurrency is not null || IdleTimeoutSeconds is not null;
}

/// <param name="State">building, deploying, ready, failed (the latest deploy; an earlier commit may still serve) or unavailable (deployed, but no replica answers right now).</param>
/// <param name="DeployedCommit">The commit that serves, null before the first deploy got ready.</param>
/// <param name="Replicas">The fewest replicas, as <paramref name="MinReplicas"/> (kept for older clients).</param>
/// <param name="Scale">How many replicas it has and wants now, and the last scale decision with its reason.</param>
/// <param name="RateLimit">At most this many requests per <paramref name="RateLimitWindowSeconds"/>; null: no rate limit.</param>
/// <param name="MaxInFlight">At most this many requests at once; null: no limit.</param>
public sealed record FunctionResponse(
    string Name,
    string Kind,
    bool Public,
    int Replicas,
    int? MaxReplicas,
    string Url,
    string GitUrl,
    string State,
    string? DeployedCommit,
    DeploymentResponse Deployment,
    IReadOnlyList<ReplicaStatus> Instances,
    DateTime CreatedAt,
    int MinReplicas,
    int? TargetConcurrency,
    int IdleTimeoutSeconds,
    ScaleStatus Scale,
    int? RateLimit,
    int RateLimitWindowSeconds,
    int? MaxInFlight);

/// <summary>The latest deploy: its commit, how it went, and why it failed.</summary>
/// <param name="Status">building (the commit's build runs first), deploying, ready or failed.</param>
/// <param name="Build">Where the commit's build and its log are, when it has one.</param>
public sealed record DeploymentResponse(string Commit, string Status, string? Error, DateTime UpdatedAt, string? Build = null);

public sealed record VersionResponse(string Sha, string Message, string Author, string AuthorEmail, DateTimeOffset Time, bool Deployed);

/// <param name="BodyEncoding">text (UTF-8) or base64 (anything else).</param>
/// <param name="Truncated">The function answered more than the invoke endpoint returns (1 MiB).</param>
public sealed record InvokeResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body, string BodyEncoding, bool Truncated);

public sealed record LogsResponse(IReadOnlyList<ReplicaLog> Replicas);

public static class FunctionRules
{
    /// <summary>The most any configuration allows; <c>Limits:MaxReplicasPerFunction</c> and <c>…:MaxAutoscaleReplicasPerFunction</c> say how many a user may ask for.</summary>
    public const int MaxReplicas = 1000;

    public const int MaxTargetConcurrency = 1000;

    /// <summary>A day: an idle function longer than that is not what scale to zero is for.</summary>
    public const int MaxIdleTimeoutSeconds = 86_400;

    public const int MaxRateLimit = 1_000_000;

    /// <summary>An hour: a longer window is a quota, not a rate.</summary>
    public const int MaxRateLimitWindowSeconds = 3_600;

    public const int MaxInFlight = 100_000;

    public const string WindowWithoutLimit = "rateLimitWindowSeconds goes with a rateLimit.";

    /// <summary>Why <paramref name="max"/> cannot go with <paramref name="min"/>, or null.</summary>
    public static string? BadMaximum(int min, int? max) =>
        max is { } upper && upper < Math.Max(1, min) ? "maxReplicas must be at least minReplicas (and at least 1)." : null;
}

/// <summary>Function names are DNS-1123 labels: they are URL segments and Kubernetes object names.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FunctionNameAttribute() : ValidationAttribute(DnsLabel.Rule(Function.MaxNameLength))
{
    public static bool IsValidName(string? name) => DnsLabel.IsValid(name, Function.MaxNameLength);

    public override bool IsValid(object? value) => value is null || IsValidName(value as string);
}
