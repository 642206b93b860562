using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Flows;

/// <summary>Section <c>Flows</c>: how the engine runs steps, retries them, and keeps their history.</summary>
public sealed class FlowOptions
{
    public const string Section = "Flows";

    /// <summary>Steps this Api replica runs at once.</summary>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 32;

    /// <summary>How often the engine looks for steps that other replicas created or that are due after a backoff.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claim on a running step lasts; it is renewed every third of it while the step runs.
    /// A replica that dies holding a claim delays its steps by at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StepLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per function step unless its node says otherwise (<c>config.attempts</c>).</summary>
    [Range(1, FlowValidator.MaxAttempts)]
    public int Attempts { get; set; } = 5;

    /// <summary>The wait before the first retry; doubled on each retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one call of a function may take (the function's own timeout applies too).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(16);

    /// <summary>The largest event body, and the largest output a step may produce; a larger output dead-letters the step.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most steps one event may create. Checked when a flow is validated, from its graph (the
    /// worst case: every if taking every edge), and again as a run goes: a run that would create
    /// more fails with that reason. Keeps one event from filling the store and the engine.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxStepsPerEvent { get; set; } = 1000;

    /// <summary>The most payload bytes (step inputs and outputs) one run may store; past it the run fails with that reason.</summary>
    [Range(typeof(long), "65536", "17179869184")]
    public long MaxRunBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Finished runs older than this are deleted with their steps.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The base URL connectors send events to (<c>{EventBaseUrl}/events/{user}/{flow}/{node}</c>).
    /// Default: the Api's own first listening address, which suits the local runtime; in a cluster,
    /// the Api's Service URL.
    /// </summary>
    [Url]
    public string? EventBaseUrl { get; set; }
}
