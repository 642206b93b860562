using System.Diagnostics;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>How the local runtime starts a .NET app of the platform (a worker, a connector host) as a child process.</summary>
internal static class ChildProcess
{
    /// <summary>Where a child's output lines are cut: above a worker's own cut of its function's lines (16 KiB and its log prefix).</summary>
    private const int MaxLineBytes = 64 * 1024;

    /// <summary>What a child inherits from the Api: enough to run .NET, git and node, and to export telemetry. Not the Api's secrets.</summary>
    private static readonly string[] s_inherited = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DOTNET_ROOT", "KK_NODE"];

    /// <summary>
    /// Runs <paramref name="assembly"/> on the Api's own dotnet host with only the inherited
    /// environment and stdin kept open (the child exits when the Api is gone: <c>KK_EXIT_WITH_STDIN</c>);
    /// <see cref="Start"/> reads its output. Its telemetry, when the Api
    /// exports any, goes where the Api's goes, as a service of its own named <paramref name="serviceName"/>
    /// (a function's or a flow node's id), so a dashboard tells one user's function from another's.
    /// With <paramref name="serviceName"/> null the child gets no telemetry settings at all (a build).
    /// </summary>
    public static Process Create(string assembly, string? serviceName)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(assembly);
        info.Environment.Clear();
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (s_inherited.Contains(name) || (serviceName is not null && name.StartsWith("OTEL_", StringComparison.Ordinal)))
            {
                info.Environment[name] = value;
            }
        }
        if (serviceName is not null)
        {
            // The Api's own service name and instance id (OTEL_RESOURCE_ATTRIBUTES, set by Aspire for
            // instance) would merge the child's telemetry into the Api's.
            info.Environment["OTEL_SERVICE_NAME"] = serviceName;
            info.Environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}";
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment[ParentWatch.Variable] = "true";

        return new Process { StartInfo = info, EnableRaisingEvents = true };
    }

    /// <summary>
    /// Starts a process made by <see cref="Create"/> and reads its output line by line into
    /// <paramref name="log"/>, each line cut at <see cref="MaxLineBytes"/>: one endless line must not grow the Api.
    /// </summary>
    public static void Start(Process process, LogBuffer log, Action<string>? onStdout = null) =>
        Start(process, (stream, text) =>
        {
            if (stream == "stdout")
            {
                onStdout?.Invoke(text);
            }
            log.Add(stream, text);
        });

    /// <summary>As the other, each line (stdout or stderr, then its text) to <paramref name="onLine"/>.</summary>
    public static void Start(Process process, Action<string, string> onLine)
    {
        Spawner.Start(process);
        var stdout = BoundedLines.PumpAsync(process.StandardOutput.BaseStream, MaxLineBytes, text => onLine("stdout", text));
        var stderr = BoundedLines.PumpAsync(process.StandardError.BaseStream, MaxLineBytes, text => onLine("stderr", text));
        s_output.Add(process, Task.WhenAll(stdout, stderr));
    }

    /// <summary>Each started process's output readers, done when both pipes reach their end.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, Task> s_output = new();

    /// <summary>
    /// Waits for the process to exit and for its last lines to be in its log (its one-line reason
    /// comes last on stderr), at most a few seconds more: a process it left behind may hold the pipes.
    /// </summary>
    public static async Task WaitForExitAsync(Process process, CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        if (s_output.TryGetValue(process, out var output))
        {
            await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        }
    }

    /// <summary>
    /// Closes the child's stdin, so it stops cleanly (a worker its function's processes, a connector
    /// drains: <c>KK_EXIT_WITH_STDIN</c>), then kills it and all it started after <paramref name="grace"/>.
    /// Not SIGTERM: a sandbox's bwrap does not pass signals on, it dies and takes the worker down at once.
    /// </summary>
    public static async Task TerminateAsync(Process? process, TimeSpan grace)
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The id of the process <paramref name="depth"/> generations below the one started (the
    /// worker inside its sandbox), while it runs; else null.
    /// </summary>
    public static int? IdOf(Process? process, int depth = 0)
    {
        int pid;
        try
        {
            if (process is not { HasExited: false } running)
            {
                return null;
            }
            pid = running.Id;
        }
        catch (InvalidOperationException)
        {
            // Replaced and disposed while being read.
            return null;
        }
        for (var i = 0; i < depth; i++)
        {
            try
            {
                // Each level has one child: bwrap forks its init, the init forks the command.
                var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (children.Length == 0)
                {
                    return null;
                }
                pid = int.Parse(children[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return null;
            }
        }
        return pid;
    }

    /// <summary>The dotnet host running the Api, so that the child runs on the same runtime.</summary>
    /// <remarks>A full path with links resolved (the sandbox must see the folder it really lives in); <c>dotnet</c> on PATH when the Api runs from its own apphost. Found once.</remarks>
    public static string DotnetHost() => s_dotnetHost.Value;

    private static readonly Lazy<string> s_dotnetHost = new(() =>
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? path
            : FindOnPath("dotnet") ?? "dotnet";
        return File.Exists(host) ? File.ResolveLinkTarget(host, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(host) : host;
    });

    /// <summary>The first file named <paramref name="name"/> in a folder of the Api's PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
