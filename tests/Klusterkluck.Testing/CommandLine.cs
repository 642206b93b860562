using System.Diagnostics;

namespace Klusterkluck.Testing;

/// <summary>A program run to its end, as from a shell: its exit code, standard output and standard error.</summary>
public static class CommandLine
{
    public static (int ExitCode, string Output, string Error) Run(string program, string folder, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
