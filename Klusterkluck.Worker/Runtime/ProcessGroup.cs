using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Klusterkluck.Worker.Runtime;

/// <summary>
/// Starts a function's process as the leader of a process group of its own, so that it and
/// everything it started, including children re-parented to init after their parent exited, can
/// be killed together with one signal to the group. .NET cannot set the group between fork and
/// exec, so a tiny launcher does it and then execs the real program in place (same pid).
/// </summary>
public static partial class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>
    /// A new session (setsid, util-linux): for per-request exec commands. With the kernel's
    /// autogroup scheduling each session is also its own CPU share, so a burst of commands cannot
    /// starve the worker that answers everybody else.
    /// </summary>
    public static Process StartSession(ProcessStartInfo info) =>
        // A child forked by .NET is never a group leader, so setsid execs in place.
        Launch(info, "setsid", ["--wait"]);

    /// <summary>
    /// A new process group in the worker's session (perl's setpgrp; perl-base is essential on
    /// Debian): for the warm node process, which must share the worker's CPU share. In a session
    /// of its own, autogroup fairness cost 13% throughput and doubled p99 in bench/worker.
    /// </summary>
    public static Process StartGroup(ProcessStartInfo info) =>
        Launch(info, "perl", ["-e", "setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die \"cannot run $ARGV[0]: $!\\n\"", "--"]);

    private static Process Launch(ProcessStartInfo info, string launcher, string[] launcherArguments)
    {
        info.ArgumentList.Insert(0, info.FileName);
        for (var i = launcherArguments.Length - 1; i >= 0; i--)
        {
            info.ArgumentList.Insert(0, launcherArguments[i]);
        }
        info.FileName = launcher;
        return Process.Start(info) ?? throw new InvalidOperationException($"{launcher} did not start");
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
