using System.Diagnostics;

namespace Klusterkluck.Api.Runtime.Local.Sandbox;

/// <summary>
/// The arguments that put a command into a bubblewrap sandbox: new mount, PID, IPC and UTS
/// namespaces; /usr and a few files of /etc read-only, a fresh /proc and /dev, and only the
/// folders named. The network is the host's: functions call out as any program would.
/// </summary>
internal static class Bubblewrap
{
    /// <summary>What programs need from /etc to resolve names, speak TLS and know the time; nothing else of it.</summary>
    private static readonly string[] s_etc =
    [
        "passwd", "group", "hosts", "resolv.conf", "nsswitch.conf", "host.conf", "gai.conf", "ssl", "ca-certificates",
        "ca-certificates.conf", "localtime", "timezone", "alternatives", "mime.types", "protocols", "services",
        "os-release", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
    ];

    /// <summary>Top-level folders that a merged-/usr system has as links into /usr, and an older one as folders.</summary>
    private static readonly string[] s_usrLinks = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

    /// <summary>Where the replica's own folder appears inside: a fixed place, since the host's path may lie under /tmp.</summary>
    public const string Inside = "/run/klusterkluck";

    /// <summary>
    /// The sandbox around one command. <paramref name="writable"/> is bound at <see cref="Inside"/>
    /// and its <c>tmp</c> folder as /tmp; each of <paramref name="readOnly"/> where it says.
    /// </summary>
    /// <remarks>
    /// --die-with-parent: a killed bwrap (or a dead parent) takes the sandbox with it. Without
    /// --as-pid-1, bwrap's own init is PID 1 inside, reaps orphans, and exits with the command;
    /// the kernel then kills whatever else is left in the namespace: detached or not, nothing a
    /// function started outlives its worker. <paramref name="newSession"/>: when the Api has a
    /// terminal, the sandbox must not share it (TIOCSTI could type into the operator's shell).
    /// Only then: a session is also an autogroup of the scheduler, which halves the CPU the
    /// Api's gateway gets against busy workers (bench/gateway: 56% of direct throughput, not 70%).
    /// </remarks>
    /// <param name="alsoWritable">Folders bound writable besides <paramref name="writable"/> (a build's cache), and where.</param>
    public static List<string> Arguments(string writable, IReadOnlyList<(string Host, string Inside)> readOnly, bool newSession,
        IReadOnlyList<(string Host, string Inside)>? alsoWritable = null)
    {
        alsoWritable ??= [];
        List<string> args =
        [
            .. newSession ? ["--new-session"] : Array.Empty<string>(),
            "--die-with-parent",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "function",
            "--ro-bind", "/usr", "/usr",
        ];
        foreach (var name in s_usrLinks)
        {
            var path = "/" + name;
            var link = new FileInfo(path).LinkTarget;
            if (link is not null)
            {
                args.AddRange(["--symlink", link, path]);
            }
            else if (Directory.Exists(path))
            {
                args.AddRange(["--ro-bind", path, path]);
            }
        }
        args.AddRange(["--perms", "0755", "--dir", "/etc"]);
        foreach (var name in s_etc)
        {
            args.AddRange(["--ro-bind-try", "/etc/" + name, "/etc/" + name]);
        }
        // /tmp before the read-only folders: a repository under /tmp (tests, a data folder there) must stay visible.
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--bind", Path.Combine(writable, "tmp"), "/tmp"]);
        var binds = readOnly.Where(b => !IsUnder(b.Inside, "/usr")).Distinct().ToList();
        // bwrap makes missing parents of a mount point 0700 when run as root: readable ones first.
        foreach (var parent in binds.Concat(alsoWritable).Select(b => b.Inside).Append(Inside).SelectMany(Parents).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal))
        {
            args.AddRange(["--perms", "0755", "--dir", parent]);
        }
        foreach (var (host, inside) in binds)
        {
            args.AddRange(["--ro-bind", host, inside]);
        }
        foreach (var (host, inside) in alsoWritable)
        {
            args.AddRange(["--bind", host, inside]);
        }
        args.AddRange(["--bind", writable, Inside, "--chdir", "/tmp"]);
        return args;
    }

    /// <summary>Runs a trivial command in the sandbox; the reason it did not work, or null when it did.</summary>
    public static string? Probe(string bwrap, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(bwrap) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return "bwrap did not finish a trivial command within 10 s";
            }
            return process.ExitCode == 0 ? null : error.Result.Trim().ReplaceLineEndings(" ") is { Length: > 0 } reason ? reason : $"bwrap exited with code {process.ExitCode}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"bwrap cannot run: {e.Message}";
        }
    }

    public static string Version(string bwrap)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(bwrap, "--version") { RedirectStandardOutput = true })!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return text.Length > 0 ? text : "bubblewrap";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "bubblewrap";
        }
    }

    /// <summary>/a/b/c → /a, /a/b.</summary>
    private static IEnumerable<string> Parents(string path)
    {
        for (var parent = Path.GetDirectoryName(path); parent is { Length: > 1 }; parent = Path.GetDirectoryName(parent))
        {
            yield return parent;
        }
    }

    private static bool IsUnder(string path, string folder) => path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
