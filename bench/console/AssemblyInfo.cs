// The bench drives the Api as a process with signals, as the tests do: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
