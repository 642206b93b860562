namespace Klusterkluck.Api.Runtime;

/// <summary>A function's identity everywhere: its owner and its name, both DNS-1123 labels.</summary>
public sealed record FunctionId(string User, string Name)
{
    public override string ToString() => $"{User}/{Name}";
}

/// <summary>What to run: a function at one commit.</summary>
/// <param name="Replicas">The fewest replicas; 0: none after <see cref="IdleTimeout"/> without a request (where the runtime <see cref="IRuntime.ScalesToZero"/>).</param>
/// <param name="MaxReplicas">When above <paramref name="Replicas"/>, the function scales between the two on load (where the runtime can).</param>
public sealed record FunctionDeployment(FunctionId Id, string Commit, bool Public, int Replicas, int? MaxReplicas = null)
{
    /// <summary>With no minimum: how long without a request before the function has no replica.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(Functions.Function.DefaultIdleTimeoutSeconds);

    /// <summary>Requests in flight per replica that autoscaling on concurrency aims at; null: none.</summary>
    public int? TargetConcurrency { get; init; }

    /// <summary>What each worker enforces itself; the platform's current <c>Limits</c> at every deploy.</summary>
    public WorkerLimits Limits { get; init; } = WorkerLimits.Default;

    /// <summary>
    /// The commit's build (a file in the data folder) when it needed one: workers get it instead
    /// of a checkout. Null for a commit served straight from git.
    /// </summary>
    public string? Artifact { get; init; }

    /// <summary>The kind the function was created with: which warm pool its cold starts take from (its klusterkluck.yaml still decides how it runs).</summary>
    public string? Kind { get; init; }

    /// <summary>It has a throttle, which holds at the gateway: every request must come through it (on Kubernetes, no Ingress of its own).</summary>
    public bool Throttled { get; init; }
}

/// <summary>The limits a worker enforces: its environment <c>KK_MAX_REQUEST_BYTES</c> and <c>KK_MAX_LOG_LINE_BYTES</c>.</summary>
public sealed record WorkerLimits(long MaxRequestBytes, int MaxLogLineBytes)
{
    public static readonly WorkerLimits Default = new(6L * 1024 * 1024, Klusterkluck.Functions.BoundedLines.DefaultMaxBytes);

    /// <summary>The worker's environment variables for these limits, for a process or a pod.</summary>
    public IEnumerable<KeyValuePair<string, string>> Environment()
    {
        yield return new("KK_MAX_REQUEST_BYTES", MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new("KK_MAX_LOG_LINE_BYTES", MaxLogLineBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Where functions run: worker processes on this machine (Local, the embedded default) or
/// Deployments in a cluster (Kubernetes). The store says what should run; a runtime makes it so.
/// </summary>
public interface IRuntime
{
    /// <summary>Whatever a user's functions need before the first one runs (a namespace, in Kubernetes); idempotent.</summary>
    Task PrepareTenantAsync(string user, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the function serve at the deployment's commit. The new revision takes requests only
    /// once it is ready and the previous one keeps serving until then; if it never gets ready,
    /// <see cref="DeployException"/> says why and the previous revision stays.
    /// </summary>
    Task DeployAsync(FunctionDeployment deployment, CancellationToken cancellationToken);

    /// <summary>Stops and forgets everything the runtime runs for the function.</summary>
    Task RemoveAsync(FunctionId id, CancellationToken cancellationToken);

    /// <summary>Where to send one request now; dispose the lease when its response is done.</summary>
    RouteLease Route(FunctionId id);

    /// <summary>Whether a function with no minimum gets to no replica when idle, and back on its next request.</summary>
    bool ScalesToZero { get; }

    /// <summary>Each replica's memory limit in MiB: what usage weighs replica-seconds by (GB-seconds).</summary>
    int MemoryLimitMiB { get; }

    /// <summary>
    /// For a lease that said <see cref="RouteLease.Asleep"/>: starts a replica, or joins the start
    /// already under way, and waits for it. Null once the function serves; else why it could not start.
    /// </summary>
    Task<string?> WakeAsync(FunctionId id, CancellationToken cancellationToken);

    /// <summary>How many replicas the runtime wants for the function now, and its last scale decision; null when it decides none itself.</summary>
    RuntimeScale? ScaleOf(FunctionId id);

    /// <summary>The function's replicas, serving or starting, for the function's state.</summary>
    Task<IReadOnlyList<ReplicaStatus>> ReplicasAsync(FunctionId id, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines of output of each of the function's replicas.</summary>
    Task<IReadOnlyList<ReplicaLog>> LogsAsync(FunctionId id, int lines, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the connector run as <paramref name="deployment"/> says: started if new, replaced if its
    /// revision changed, left alone if it runs at that revision already. Returns once it is started,
    /// not once it delivers; a connector that cannot start shows as failed in <see cref="ConnectorsAsync"/>.
    /// </summary>
    Task DeployConnectorAsync(ConnectorDeployment deployment, CancellationToken cancellationToken);

    /// <summary>Stops the connector (it drains what it holds) and forgets it; nothing if it does not run.</summary>
    Task RemoveConnectorAsync(ConnectorId id, CancellationToken cancellationToken);

    /// <summary>The connectors running for one of the user's flows.</summary>
    Task<IReadOnlyList<ConnectorStatus>> ConnectorsAsync(string user, string flow, CancellationToken cancellationToken);

    /// <summary>
    /// The last <paramref name="lines"/> lines the connector printed, oldest first (its log lines,
    /// its dead letters among them); after a crash, those of the instance that failed. Null when
    /// the runtime runs no such connector.
    /// </summary>
    Task<IReadOnlyList<string>?> ConnectorLogAsync(ConnectorId id, int lines, CancellationToken cancellationToken);
}

/// <summary>What the runtime wants for a function now, and the last change it made, with its reason.</summary>
public sealed record RuntimeScale(int Wanted, ScaleDecision? LastDecision);

/// <summary>A scale decision: when, to how many replicas, and why (one line for the owner).</summary>
public sealed record ScaleDecision(DateTime At, int Replicas, string Reason);

/// <summary>A function's scale in its state: replicas wanted, ready and starting, and the last decision.</summary>
public sealed record ScaleStatus(int Wanted, int Ready, int Starting, ScaleDecision? LastDecision);

/// <summary>A deploy that did not get ready; the message is one line meant for the function's owner.</summary>
public sealed class DeployException(string message) : Exception(message);

/// <param name="State">starting, ready, or why not (failed, or a Kubernetes reason such as CrashLoopBackOff).</param>
/// <param name="ProcessId">The worker's process (local runtime); null for a pod.</param>
/// <param name="Pod">The replica's pod (Kubernetes runtime); null for a local process.</param>
public sealed record ReplicaStatus(int Replica, string Commit, string State, int Restarts, int? ProcessId, string? Pod = null);

public sealed record LogLine(DateTimeOffset Time, string Stream, string Text);

public sealed record ReplicaLog(int Replica, string Commit, string State, IReadOnlyList<LogLine> Lines, string? Pod = null);

/// <summary>Counts a request as in flight on a revision, so that a replaced revision is drained before it stops.</summary>
public interface IInFlight
{
    void Exit();
}

/// <summary>
/// The answer to "where does this request go": unknown function, known but nothing ready, or an
/// address. A struct, since the gateway asks for every request.
/// </summary>
public readonly struct RouteLease(bool known, string? destination, IInFlight? inFlight, bool asleep = false) : IDisposable
{
    public static RouteLease Unknown => default;

    /// <summary>Known, scaled to zero: <see cref="IRuntime.WakeAsync"/> brings a replica, then route again.</summary>
    public static RouteLease Sleeping => new(true, null, null, asleep: true);

    public bool Known { get; } = known;

    public bool Asleep { get; } = asleep;

    /// <summary>The replica's base address (<c>http://127.0.0.1:port/</c>), or null when no replica is ready.</summary>
    public string? Destination { get; } = destination;

    public void Dispose() => inFlight?.Exit();
}
