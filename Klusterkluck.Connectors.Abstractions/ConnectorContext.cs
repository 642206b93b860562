using Microsoft.Extensions.Logging;

namespace Klusterkluck.Connectors;

/// <summary>What the host gives a connector when it runs.</summary>
/// <param name="Settings">The connector's variables, checked and defaulted.</param>
/// <param name="Sink">Where payloads go; the host delivers them to <c>KK_TARGET_URL</c>.</param>
/// <param name="LoggerFactory">The host's logging, so the plugin's lines reach the same output and exporter.</param>
public sealed record ConnectorContext(ConnectorSettings Settings, IDeliverySink Sink, ILoggerFactory LoggerFactory);
