using System.Diagnostics.Metrics;

namespace Klusterkluck.Api.Runtime;

/// <summary>
/// Scaling as metrics, per function (<c>{user}/{name}</c>): replicas running, cold starts (by
/// outcome) and how long each took from the request that caused it to a ready replica.
/// </summary>
public sealed class ScaleMetrics
{
    private readonly Usage.UsageMeter? _usage;

    public const string MeterName = "Klusterkluck.Scaling";

    private readonly UpDownCounter<long> _replicas;
    private readonly Counter<long> _coldStarts;
    private readonly Histogram<double> _coldStartDuration;

    /// <param name="usage">Also told of every change in replicas, for replica-seconds.</param>
    public ScaleMetrics(IMeterFactory meters, Usage.UsageMeter? usage = null)
    {
        _usage = usage;
        var meter = meters.Create(MeterName);
        _replicas = meter.CreateUpDownCounter<long>("klusterkluck.function.replicas", "{replica}", "Replicas running per function");
        _coldStarts = meter.CreateCounter<long>("klusterkluck.function.cold_starts", "{start}", "Replicas started because a request found none");
        _coldStartDuration = meter.CreateHistogram<double>("klusterkluck.function.cold_start.duration", "s",
            "From a request finding no replica to one being ready");
    }

    public void Replicas(FunctionId function, int change)
    {
        _replicas.Add(change, new KeyValuePair<string, object?>("klusterkluck.function", function.ToString()));
        _usage?.ReplicasChanged(function, change);
    }

    public void ColdStart(FunctionId function, TimeSpan took, bool succeeded)
    {
        var name = new KeyValuePair<string, object?>("klusterkluck.function", function.ToString());
        var outcome = new KeyValuePair<string, object?>("klusterkluck.outcome", succeeded ? "started" : "failed");
        _coldStarts.Add(1, name, outcome);
        _coldStartDuration.Record(took.TotalSeconds, name, outcome);
    }
}
