using System.Diagnostics;
using Klusterkluck.Cli.Terminal;

namespace Klusterkluck.Cli.Functions;

/// <summary>
/// Clones a function's repository with kk as its credential helper, for that repository's URL only:
/// the clone's .git/config names <c>kk git-credential</c> under <c>credential.{url}</c>, after an
/// empty entry that sets aside any other helper for it. No password is written anywhere.
/// </summary>
public static class GitClone
{
    public static async Task CloneAsync(string gitUrl, string folder, CancellationToken cancellationToken)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new CliException(ExitCodes.Usage, $"'{folder}' exists and is not empty: name another folder.");
        }
        var helper = HelperCommand();
        var scope = $"credential.{gitUrl}.helper";
        await GitAsync(["-c", $"{scope}=", "-c", $"{scope}={helper}", "clone", "-q", gitUrl, folder], cancellationToken);
        await GitAsync(["-C", folder, "config", "--replace-all", scope, ""], cancellationToken);
        await GitAsync(["-C", folder, "config", "--add", scope, helper], cancellationToken);
    }

    /// <summary>How git calls this kk back: the tool's own executable, or dotnet with this assembly when run as a dll.</summary>
    public static string HelperCommand()
    {
        var process = Environment.ProcessPath ?? "kk";
        var self = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? $"{Quote(process)} {Quote(typeof(GitClone).Assembly.Location)}"
            : Quote(process);
        return $"!{self} git-credential";
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''") + "'";

    private static async Task GitAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Never a prompt from git: a failed sign-in is an error here, not a question on a terminal it may not have.
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CliException(ExitCodes.Refused, "git is not installed (or not on PATH); kk needs it to clone.");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new CliException(ExitCodes.Refused, $"git {string.Join(' ', start.ArgumentList.Where(a => !a.StartsWith("credential.", StringComparison.Ordinal)).Take(4))} failed: {(await error).Trim()}");
            }
        }
    }
}
