// The worker runs functions the Linux way (process groups, setsid, libc's kill, Unix sockets),
// as in its container image; macOS and Windows are not targets.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
