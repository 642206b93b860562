namespace Klusterkluck.Testing;

/// <summary>The stock git command line, as a user runs it; never prompts (no terminal in CI).</summary>
public static class GitCli
{
    private static readonly Dictionary<string, string> s_noPrompt = new() { ["GIT_TERMINAL_PROMPT"] = "0", ["GIT_ASKPASS"] = "/bin/false" };

    /// <summary>Runs git in <paramref name="folder"/>; returns stdout, or throws with stderr.</summary>
    public static string Run(string folder, params string[] arguments)
    {
        var (exitCode, output, error) = TryRun(folder, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }

    /// <summary>Commits everything in the work tree of <paramref name="folder"/> as a test author; returns the new commit's sha.</summary>
    public static string CommitAll(string folder, string message)
    {
        Run(folder, "add", "-A");
        Run(folder, "-c", "user.name=Test", "-c", "user.email=test@klusterkluck.local", "commit", "-q", "-m", message);
        return Run(folder, "rev-parse", "HEAD").Trim();
    }

    public static (int ExitCode, string Output, string Error) TryRun(string folder, params string[] arguments) =>
        CommandLine.Run("git", folder, s_noPrompt, Timeout.InfiniteTimeSpan, arguments);
}
