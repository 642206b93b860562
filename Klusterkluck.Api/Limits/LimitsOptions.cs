using System.ComponentModel.DataAnnotations;
using Klusterkluck.Api.Flows;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Limits;

/// <summary>
/// Section <c>Limits</c>: what one user may have and send. The defaults leave one person on a
/// laptop alone and keep one tenant from taking a shared machine's memory, disk or processes.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    [Range(1, 100_000)]
    public int MaxFunctionsPerUser { get; set; } = 100;

    [Range(1, 100_000)]
    public int MaxFlowsPerUser { get; set; } = 100;

    /// <summary>A function's <c>replicas</c>: worker processes (or pods) that always run.</summary>
    [Range(1, FunctionRules.MaxReplicas)]
    public int MaxReplicasPerFunction { get; set; } = 10;

    /// <summary>A function's <c>maxReplicas</c>: how far an autoscaler may take it.</summary>
    [Range(1, FunctionRules.MaxReplicas)]
    public int MaxAutoscaleReplicasPerFunction { get; set; } = 10;

    /// <summary>Each connector node of a flow is a process (or pod) of its own.</summary>
    [Range(1, FlowValidator.MaxNodes)]
    public int MaxConnectorsPerFlow { get; set; } = 10;

    /// <summary>The shortest time between two ticks of a timer connector, by interval or by cron.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MinTimerInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A function request's body: refused with 413 by the gateway and by the worker (<c>KK_MAX_REQUEST_BYTES</c>).</summary>
    [Range(typeof(long), "1024", "4294967296")]
    public long MaxRequestBytes { get; set; } = 6L * 1024 * 1024;

    /// <summary>A line of a function's output as logged: longer ones are cut (<c>KK_MAX_LOG_LINE_BYTES</c>).</summary>
    [Range(256, 1024 * 1024)]
    public int MaxLogLineBytes { get; set; } = BoundedLines.DefaultMaxBytes;

    /// <summary>One git push, as the pack git receives (<c>receive.maxInputSize</c>).</summary>
    [Range(typeof(long), "65536", "1099511627776")]
    public long MaxPushBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>What each worker is told to enforce itself.</summary>
    public Runtime.WorkerLimits Workers => new(MaxRequestBytes, MaxLogLineBytes);

    /// <summary>The key of a setting as written in configuration, for problem details that name the limit.</summary>
    public static string Key(string property) => $"{Section}:{property}";
}
