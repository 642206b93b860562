using System.Diagnostics;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Runtime;

namespace Klusterkluck.Worker.Build;

/// <summary>
/// Runs one program of a build (npm, dotnet, the user's shell command) in the tree being built:
/// in a process group of its own, so that at the build's deadline it is killed with everything it
/// started; with a clean environment (the basics and what the step names, nothing of the
/// builder's); its output copied line by line to the build's log.
/// </summary>
public sealed class BuildCommand(string workDirectory, string home, DateTime deadline, IReadOnlyDictionary<string, string> operatorEnvironment)
{
    /// <summary>What every build program gets besides its step's variables.</summary>
    private static readonly string[] s_inherited = ["PATH", "LANG", "LC_ALL", "TZ"];

    /// <summary>Runs the program; throws <see cref="BuildFailedException"/> when it fails or the deadline passes.</summary>
    /// <param name="label">What the owner calls it in a failure's reason (default: the program and its first argument, npm ci).</param>
    public async Task RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? label = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Clear();
        foreach (var name in s_inherited)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }
        info.Environment["HOME"] = home;
        info.Environment["TMPDIR"] = Path.GetTempPath();
        foreach (var (name, value) in operatorEnvironment.Concat(environment ?? new Dictionary<string, string>()))
        {
            info.Environment[name] = value;
        }
        Console.WriteLine($"$ {Path.GetFileName(program)} {string.Join(' ', arguments)}");
        // The reason names the program and what it was asked (npm ci, dotnet publish); the log has the whole line.
        var shown = label ?? (arguments.Count > 0 && !arguments[0].StartsWith('-') ? $"{Path.GetFileName(program)} {arguments[0]}" : Path.GetFileName(program));
        using var process = new Process { StartInfo = ProcessGroup.InNewSession(info) };
        try
        {
            process.Start();
            s_running[process] = true;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BuildFailedException($"cannot run {Path.GetFileName(program)}: {e.Message}");
        }
        process.StandardInput.Close();
        var output = Task.WhenAll(
            BoundedLines.PumpAsync(process.StandardOutput.BaseStream, BoundedLines.DefaultMaxBytes, Console.WriteLine),
            BoundedLines.PumpAsync(process.StandardError.BaseStream, BoundedLines.DefaultMaxBytes, Console.Error.WriteLine));
        using var timeout = new CancellationTokenSource(Left());
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            ProcessGroup.Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new BuildFailedException($"{shown} was still running at the build's time limit; it was killed with its children");
        }
        finally
        {
            // A child left behind may hold the pipes open: its group goes too, the output stops.
            ProcessGroup.Kill(process);
            s_running.TryRemove(process, out _);
            await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        if (process.ExitCode != 0)
        {
            throw new BuildFailedException($"{shown} exited with code {process.ExitCode}");
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, bool> s_running = new();

    /// <summary>Kills every command running now with its children: the builder is going away.</summary>
    public static void KillRunning()
    {
        foreach (var process in s_running.Keys)
        {
            ProcessGroup.Kill(process);
        }
    }

    private TimeSpan Left()
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }
}

/// <summary>The build did not produce an artifact; the message is the one line its owner reads.</summary>
public sealed class BuildFailedException(string message) : Exception(message);
