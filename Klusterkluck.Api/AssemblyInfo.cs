// The control plane keeps keys and repositories with Unix file modes and starts Linux workers.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
