using System.ComponentModel.DataAnnotations;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Functions;

/// <param name="Name">A DNS-1123 label of 2 to 40 characters, unique among the caller's functions.</param>
/// <param name="Kind">nodejs, exec, static or dotnet: which template the repository starts from.</param>
/// <param name="Public">Public functions answer without a token.</param>
/// <param name="Replicas">Worker processes serving it (default 1).</param>
/// <param name="MaxReplicas">Scale out up to this many replicas on CPU load (Kubernetes runtime: a HorizontalPodAutoscaler); at least <paramref name="Replicas"/>. The local runtime runs <paramref name="Replicas"/>.</param>
public sealed record CreateFunctionRequest(
    [property: Required, FunctionName] string Name,
    [property: Required, AllowedValues("nodejs", "exec", "static", "dotnet")] string Kind,
    bool? Public,
    [property: Range(1, FunctionRules.MaxReplicas)] int? Replicas,
    [property: Range(1, FunctionRules.MaxReplicas)] int? MaxReplicas = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxReplicas < (Replicas ?? 1))
        {
            yield return new ValidationResult("maxReplicas must be at least replicas.", [nameof(MaxReplicas)]);
        }
    }
}

/// <param name="State">building, deploying, ready, failed (the latest deploy; an earlier commit may still serve) or unavailable (deployed, but no replica answers right now).</param>
/// <param name="DeployedCommit">The commit that serves, null before the first deploy got ready.</param>
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
    DateTime CreatedAt);

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
}

/// <summary>Function names are DNS-1123 labels: they are URL segments and Kubernetes object names.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FunctionNameAttribute() : ValidationAttribute(DnsLabel.Rule(Function.MaxNameLength))
{
    public static bool IsValidName(string? name) => DnsLabel.IsValid(name, Function.MaxNameLength);

    public override bool IsValid(object? value) => value is null || IsValidName(value as string);
}
