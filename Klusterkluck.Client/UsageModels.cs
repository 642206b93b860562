namespace Klusterkluck.Client;

/// <summary>GET /api/v1/usage: the caller's use per function and period, and the totals.</summary>
public sealed record UsageInfo(DateTime From, DateTime To, string Granularity, string? Function, IReadOnlyList<UsagePeriodInfo> Periods,
    UsageFiguresInfo Totals);

public sealed record UsagePeriodInfo(DateTime Start, string Function, UsageFiguresInfo Usage);

public sealed record UsageFiguresInfo(long Invocations, long Errors, long Throttled, double DurationMs, long BytesIn, long BytesOut,
    double ReplicaSeconds, double GbSeconds);
