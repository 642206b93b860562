using System.Text.Json.Serialization;

namespace Klusterkluck.Client;

// The REST API's shapes as its clients read them (camelCase JSON): the console's pages and the CLI's -o json.

/// <param name="State">building, deploying, ready, failed, unavailable (deployed, no replica answers) or idle (scaled to zero: the next request starts one).</param>
public sealed record FunctionInfo(
    string Name,
    string Kind,
    bool Public,
    int Replicas,
    int? MaxReplicas,
    string Url,
    string GitUrl,
    string State,
    string? DeployedCommit,
    DeploymentInfo Deployment,
    IReadOnlyList<ReplicaInfo> Instances,
    DateTime CreatedAt,
    int MinReplicas = 1,
    int? TargetConcurrency = null,
    int IdleTimeoutSeconds = 300,
    ScaleInfo? Scale = null,
    int? RateLimit = null,
    int RateLimitWindowSeconds = 1,
    int? MaxInFlight = null);

/// <summary>Replicas wanted, ready and starting now, and the last scale decision.</summary>
public sealed record ScaleInfo(int Wanted, int Ready, int Starting, ScaleDecisionInfo? LastDecision);

public sealed record ScaleDecisionInfo(DateTime At, int Replicas, string Reason);

/// <summary>PATCH's body: only the settings given change (0 clears maxReplicas, targetConcurrency, rateLimit or maxInFlight).</summary>
public sealed record FunctionSettings(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Public = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MinReplicas = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxReplicas = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TargetConcurrency = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? IdleTimeoutSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RateLimit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RateLimitWindowSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxInFlight = null);

public sealed record DeploymentInfo(string Commit, string Status, string? Error, DateTime UpdatedAt, string? Build = null);

public sealed record BuildInfo(string Commit, string State, string? Reason, DateTime StartedAt, DateTime? FinishedAt, double? Seconds, string Log);

public sealed record ReplicaInfo(int Replica, string Commit, string State, int Restarts, int? ProcessId = null, string? Pod = null);

public sealed record NewFunction(string Name, string Kind, bool Public, int Replicas, int? MaxReplicas,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TargetConcurrency = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? IdleTimeoutSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RateLimit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RateLimitWindowSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxInFlight = null);

public sealed record VersionInfo(string Sha, string Message, string Author, string AuthorEmail, DateTimeOffset Time, bool Deployed);

public sealed record InvokeRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body);

public sealed record InvokeResult(int Status, IReadOnlyDictionary<string, string> Headers, string Body, string BodyEncoding, bool Truncated);

public sealed record LogsInfo(IReadOnlyList<ReplicaLogInfo> Replicas);

public sealed record ReplicaLogInfo(int Replica, string Commit, string State, IReadOnlyList<LogLineInfo> Lines, string? Pod = null);

public sealed record LogLineInfo(DateTimeOffset Time, string Stream, string Text);

public sealed record WhoAmI(string Username, string? Email, string Tenant, IReadOnlyList<string> Roles, string Provider);

public sealed record TreeInfo(string Commit, IReadOnlyList<TreeEntry> Entries, bool Truncated = false);

/// <param name="Kind">file, symlink or submodule.</param>
/// <param name="Binary">Null when the API did not read the file (too large).</param>
public sealed record TreeEntry(string Path, string Kind, long Size, bool Executable, bool? Binary, bool TooLarge);

public sealed record FileInfo(string Path, string Commit, string Kind, long Size, bool Executable, bool? Binary, bool TooLarge, string? Content);

/// <param name="Action">add, change or delete.</param>
public sealed record FileChange(string Path, string Action, string? Content);

public sealed record NewCommit(string Parent, string Message, IReadOnlyList<FileChange> Changes);
