namespace Klusterkluck.Api.Functions;

public enum DeployStatus
{
    Deploying,

    /// <summary>The commit's build runs before any worker starts (npm ci, dotnet publish, a build command).</summary>
    Building,
    Ready,
    Failed,
}

/// <summary>
/// A function as the store keeps it: what is deployed and what is being deployed. This is the
/// desired state the runtime is brought back to after a restart, never the runtime's memory.
/// </summary>
public sealed class Function
{
    public const int MaxNameLength = 40;

    public const int MaxErrorLength = 2000;

    public required string Owner { get; init; }

    public required string Name { get; init; }

    /// <summary>The kind of the commit that serves (or, before the first deploy, of the template).</summary>
    public required string Kind { get; set; }

    /// <summary>Public functions answer without a token.</summary>
    public bool Public { get; set; }

    /// <summary>The fewest replicas it runs: 0 lets it scale to zero after <see cref="IdleTimeoutSeconds"/> without a request.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>Autoscaling's upper bound, when the function asked for it.</summary>
    public int? MaxReplicas { get; set; }

    /// <summary>Requests in flight per replica that autoscaling aims at; null: no autoscaling on concurrency.</summary>
    public int? TargetConcurrency { get; set; }

    /// <summary>How long without a request before a function with no minimum has no replica; null: <see cref="DefaultIdleTimeoutSeconds"/>.</summary>
    public int? IdleTimeoutSeconds { get; set; }

    public const int DefaultIdleTimeoutSeconds = 300;

    /// <summary>At most this many requests per <see cref="RateLimitWindowSeconds"/> get through the gateway; null: no rate limit.</summary>
    public int? RateLimit { get; set; }

    /// <summary>The rate limit's window; null: one second.</summary>
    public int? RateLimitWindowSeconds { get; set; }

    /// <summary>At most this many requests at once get through the gateway; null: no limit.</summary>
    public int? MaxInFlight { get; set; }

    /// <summary>The commit that serves: set only once a revision at it was ready.</summary>
    public string? DeployedCommit { get; set; }

    /// <summary>The commit of the latest deploy, serving or not.</summary>
    public required string TargetCommit { get; set; }

    public DeployStatus Status { get; set; } = DeployStatus.Deploying;

    /// <summary>Why the latest deploy failed, in one line.</summary>
    public string? Error { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(IdleTimeoutSeconds ?? DefaultIdleTimeoutSeconds);

    /// <summary>What the runtime runs for this function at <paramref name="commit"/>, with its scale settings.</summary>
    public Runtime.FunctionDeployment DeploymentAt(string commit) =>
        new(new Runtime.FunctionId(Owner, Name), commit, Public, Replicas, MaxReplicas)
        {
            IdleTimeout = IdleTimeout,
            TargetConcurrency = TargetConcurrency,
            Kind = Kind,
            Throttled = RateLimit is not null || MaxInFlight is not null,
        };

    /// <summary>An error as stored: a function's own message (a thrown string, say) can be any length.</summary>
    public static string? Clip(string? error) => error is { Length: > MaxErrorLength } ? error[..(MaxErrorLength - 1)] + "…" : error;
}
