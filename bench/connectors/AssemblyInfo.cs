// The bench drives the connector host and nats-server as processes with signals, as the tests do: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
