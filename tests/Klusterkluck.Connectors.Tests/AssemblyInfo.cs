// The connector tests drive real processes with signals: Linux only, as the connector's image.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
