namespace Klusterkluck.Api.Usage;

/// <summary>
/// One function's use in one minute, as the store keeps it: the key is the owner, the function's
/// name and the minute (since the Unix epoch, so that both providers compare it exactly); the
/// counts only ever grow, added to by each flush of <see cref="UsageMeter"/>.
/// </summary>
public sealed class UsageRecord
{
    public required string Owner { get; init; }

    public required string Function { get; init; }

    /// <summary>Minutes since 1970-01-01T00:00Z.</summary>
    public long Minute { get; init; }

    /// <summary>Requests that reached the function: through the gateway, the invoke endpoint or a flow's step.</summary>
    public long Invocations { get; set; }

    /// <summary>Invocations answered with a 5xx, or not answered at all.</summary>
    public long Errors { get; set; }

    /// <summary>Requests refused by the function's throttle (429), which never reached it.</summary>
    public long Throttled { get; set; }

    /// <summary>The invocations' durations added up, in microseconds.</summary>
    public long DurationMicroseconds { get; set; }

    public long BytesIn { get; set; }

    public long BytesOut { get; set; }

    /// <summary>Seconds of replicas running, added up over the function's replicas.</summary>
    public double ReplicaSeconds { get; set; }

    /// <summary>Each replica's second weighted by its memory limit (MiB): GB-seconds are this / 1024.</summary>
    public double MemoryMiBSeconds { get; set; }

    public static long MinuteOf(DateTime utc) => (long)(utc - DateTime.UnixEpoch).TotalMinutes;

    public static DateTime StartOf(long minute) => DateTime.UnixEpoch.AddMinutes(minute);
}
