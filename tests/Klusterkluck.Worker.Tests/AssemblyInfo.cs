// The worker's tests drive real processes through /proc, sh and signals: Linux only, as the worker's image.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
