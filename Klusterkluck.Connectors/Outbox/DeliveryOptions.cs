using Klusterkluck.Connectors.Hosting;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>How the host delivers payloads, read from its variables (<see cref="HostVariables"/>).</summary>
internal sealed record DeliveryOptions(
    string Connector,
    Uri TargetUrl,
    string? TargetToken,
    int Buffer,
    int Parallelism,
    int Attempts,
    TimeSpan Backoff,
    TimeSpan BackoffMax,
    TimeSpan Timeout,
    TimeSpan DrainTimeout)
{
    /// <summary>From settings whose problems were already reported: every value is present and well-formed.</summary>
    public static DeliveryOptions From(string connector, ConnectorSettings host) => new(
        connector,
        host.GetUrl(HostVariables.TargetUrl)!,
        host.Get(HostVariables.TargetToken),
        host.GetInteger(HostVariables.Buffer)!.Value,
        host.GetInteger(HostVariables.Parallelism)!.Value,
        host.GetInteger(HostVariables.Attempts)!.Value,
        host.GetDuration(HostVariables.Backoff)!.Value,
        host.GetDuration(HostVariables.BackoffMax)!.Value,
        host.GetDuration(HostVariables.Timeout)!.Value,
        host.GetDuration(HostVariables.DrainTimeout)!.Value);
}
