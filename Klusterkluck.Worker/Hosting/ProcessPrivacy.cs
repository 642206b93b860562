using System.Runtime.InteropServices;

namespace Klusterkluck.Worker.Hosting;

/// <summary>
/// The function runs as the worker's own user (in its sandbox, or in its pod), so it could read
/// the worker's environment (KK_GIT_TOKEN, telemetry headers) and memory through /proc. A process
/// that is not dumpable has its /proc files owned by root and cannot be traced by its own user.
/// Programs the worker starts are dumpable again: execve resets the flag.
/// </summary>
internal static partial class ProcessPrivacy
{
    private const int PrSetDumpable = 4;

    public static void HideFromOwnUser()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = prctl(PrSetDumpable, 0, 0, 0, 0);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
