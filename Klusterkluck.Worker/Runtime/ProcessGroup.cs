using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Klusterkluck.Worker.Runtime;

/// <summary>
/// Starts a function's process as the leader of a session of its own (through setsid), so that
/// it and everything it started, including children that were re-parented to init after their
/// parent exited, can be killed together with one signal to the group.
/// </summary>
public static partial class ProcessGroup
{
    private const int SigKill = 9;

    public static Process Start(ProcessStartInfo info)
    {
        // A child forked by .NET is never a group leader, so setsid execs in place: the pid we
        // get is the session's and its process group's id. --wait only matters if it had to fork.
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "--wait");
        info.FileName = "setsid";
        return Process.Start(info) ?? throw new InvalidOperationException("setsid did not start");
    }

    /// <summary>Kills every process still in the group the process leads; quietly does nothing once none is left.</summary>
    public static void Kill(Process process)
    {
        try
        {
            kill(-process.Id, SigKill);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
