using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>
/// The connector's deliveries as metrics (exported with the service defaults when an OTLP
/// endpoint is set): how each payload ended, how long it took from its first attempt, and the
/// attempts that failed along the way. Tagged with the connector's name.
/// </summary>
internal sealed class DeliveryMetrics
{
    public const string MeterName = "Klusterkluck.Connectors";

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _duration;
    private readonly KeyValuePair<string, object?> _connector;

    public DeliveryMetrics(IMeterFactory meters, DeliveryOptions options)
    {
        var meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("klusterkluck.connector.deliveries", "{payload}", "Payloads that reached their end: delivered, dead-lettered or abandoned");
        _retries = meter.CreateCounter<long>("klusterkluck.connector.retries", "{attempt}", "Attempts that failed and were tried again");
        _duration = meter.CreateHistogram<double>("klusterkluck.connector.delivery.duration", "s", "From a payload's first attempt to its end, retries included");
        _connector = new("klusterkluck.connector", options.Connector);
    }

    public void Finished(DeliveryOutcome outcome, long startedAt)
    {
        var outcomeTag = new KeyValuePair<string, object?>("klusterkluck.delivery.outcome", outcome.ToString());
        _deliveries.Add(1, _connector, outcomeTag);
        _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, _connector, outcomeTag);
    }

    public void Retried() => _retries.Add(1, _connector);
}
