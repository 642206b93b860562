namespace Klusterkluck.Api.Usage;

/// <summary>GET /api/v1/usage: the caller's use of their functions, per function and period.</summary>
/// <param name="From">The first period's start (inclusive), aligned to the granularity.</param>
/// <param name="To">The end (exclusive).</param>
/// <param name="Granularity">minute, hour or day.</param>
/// <param name="Function">Only this function, when asked for.</param>
/// <param name="Periods">One entry per function and period that had any use, oldest first.</param>
/// <param name="Totals">Everything in the range added up.</param>
public sealed record UsageResponse(
    DateTime From,
    DateTime To,
    string Granularity,
    string? Function,
    IReadOnlyList<UsagePeriod> Periods,
    UsageFigures Totals);

/// <param name="Start">The period's start (UTC).</param>
public sealed record UsagePeriod(DateTime Start, string Function, UsageFigures Usage);

/// <param name="Invocations">Requests that reached the function (gateway, invoke endpoint, flow steps).</param>
/// <param name="Errors">Invocations answered with a 5xx, or not answered.</param>
/// <param name="Throttled">Requests its throttle refused with a 429 (not invocations).</param>
/// <param name="DurationMs">The invocations' durations added up, in milliseconds.</param>
/// <param name="BytesIn">Request bodies, in bytes.</param>
/// <param name="BytesOut">Response bodies, in bytes.</param>
/// <param name="ReplicaSeconds">Seconds of replicas running.</param>
/// <param name="GbSeconds">Replica-seconds weighted by each replica's memory limit, in GiB-seconds.</param>
public sealed record UsageFigures(
    long Invocations,
    long Errors,
    long Throttled,
    double DurationMs,
    long BytesIn,
    long BytesOut,
    double ReplicaSeconds,
    double GbSeconds);
