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
    public static ProcessStartInfo InNewSession(ProcessStartInfo info) =>
        // A child forked by .NET is never a group leader, so setsid execs in place.
        Wrap(info, "setsid", ["--wait"]);

    /// <summary>
    /// A new process group in the worker's session (perl's setpgrp; perl-base is essential on
    /// Debian): for the warm node process, which must share the worker's CPU share. In a session
    /// of its own, autogroup fairness cost 13% throughput and doubled p99 in bench/worker.
    /// </summary>
    public static ProcessStartInfo InNewGroup(ProcessStartInfo info)
    {
        // A locale the function's env names but the machine lacks would make perl warn on stderr.
        info.Environment["PERL_BADLANG"] = "0";
        return Wrap(info, "perl", ["-e", "setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die \"cannot run $ARGV[0]: $!\\n\"", "--"]);
    }

    private static ProcessStartInfo Wrap(ProcessStartInfo info, string launcher, string[] launcherArguments)
    {
        info.ArgumentList.Insert(0, info.FileName);
        for (var i = launcherArguments.Length - 1; i >= 0; i--)
        {
            info.ArgumentList.Insert(0, launcherArguments[i]);
        }
        info.FileName = launcher;
        return info;
    }

    /// <summary>Kills the process and every process still in the group it leads.</summary>
    /// <remarks>
    /// The pid is signalled too, first: right after the start the launcher may not have made its
    /// group yet, and a signal to a group that does not exist is lost. The group is signalled even
    /// after the leader exited, since its re-parented children may still hold its pipes.
    /// </remarks>
    public static void Kill(Process process)
    {
        try
        {
            var pid = process.Id;
            if (!process.HasExited)
            {
                kill(pid, SigKill);
            }
            kill(-pid, SigKill);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already disposed.
        }
    }

    /// <summary>The full path of a program on PATH that may be executed, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(path => File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
