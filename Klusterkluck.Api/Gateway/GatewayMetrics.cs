using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Klusterkluck.Api.Gateway;

/// <summary>
/// Function invocations through the gateway as metrics, per function (<c>{user}/{name}</c>): a
/// count by status code, a duration histogram, and errors (5xx answers, or no answer at all).
/// Instruments nobody listens to cost next to nothing, so they are always there.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Klusterkluck.Gateway";

    private readonly Counter<long> _invocations;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _duration;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _invocations = meter.CreateCounter<long>("klusterkluck.function.invocations", "{request}", "Requests to functions through the gateway");
        _errors = meter.CreateCounter<long>("klusterkluck.function.errors", "{request}", "Function requests answered with a 5xx, or not answered");
        _duration = meter.CreateHistogram<double>("klusterkluck.function.duration", "s", "From the gateway receiving a function request to its response");
    }

    /// <param name="answered">False when the worker's answer did not (fully) come through, whatever status was sent by then.</param>
    public void Invoked(Runtime.FunctionId function, int status, bool answered, long startedAt)
    {
        if (!_invocations.Enabled && !_duration.Enabled && !_errors.Enabled)
        {
            return;
        }
        var name = new KeyValuePair<string, object?>("klusterkluck.function", function.ToString());
        var code = new KeyValuePair<string, object?>("http.response.status_code", status);
        _invocations.Add(1, name, code);
        _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, name, code);
        if (status >= 500 || !answered)
        {
            _errors.Add(1, name, code);
        }
    }
}
