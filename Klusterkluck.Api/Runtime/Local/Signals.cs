using System.Runtime.InteropServices;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>SIGTERM, which .NET's Process cannot send: a worker stops its function's processes when it gets it.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int pid) => _ = kill(pid, SigTerm);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
