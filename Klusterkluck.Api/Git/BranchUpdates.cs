using System.Diagnostics;

namespace Klusterkluck.Api.Git;

/// <summary>
/// Moves a branch from one commit to the next only if it still points at the first: a commit
/// through the API never overwrites a push that landed meanwhile, nor another API commit.
/// </summary>
/// <remarks>
/// The compare-and-swap is git's own, <c>git update-ref &lt;ref&gt; &lt;new&gt; &lt;old&gt;</c>: it takes the
/// same lock (<c>refs/heads/main.lock</c>) that receive-pack takes for a push and checks the old
/// value while holding it, so the two exclude each other however git stores the ref. libgit2
/// (LibGit2Sharp's <c>Refs.UpdateTarget</c>) has a compare-and-swap of its own, a second
/// implementation of that lock which does not wait for it; with git itself, the one code that
/// serves pushes decides, and a commit waits out a push's lock instead of failing on it.
/// </remarks>
public static class BranchUpdates
{
    /// <summary>How long to wait for a push's or another commit's lock before giving up; git's default is 100 ms.</summary>
    private const int LockTimeoutMilliseconds = 5000;

    /// <summary>true when the branch moved from <paramref name="expected"/> to <paramref name="next"/>; false when it was not at <paramref name="expected"/> or stayed locked.</summary>
    public static async Task<(bool Moved, string Error)> MoveAsync(string gitDirectory, string branch, string next, string expected)
    {
        var info = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-c", $"core.filesRefLockTimeout={LockTimeoutMilliseconds}", "--git-dir", gitDirectory,
            "update-ref", "-m", "commit through the Klusterkluck API", $"refs/heads/{branch}", next, expected])
        {
            info.ArgumentList.Add(argument);
        }
        // Only the repository's own config counts, as for http-backend.
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        info.Environment["HOME"] = gitDirectory;
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Never cancelled: git killed while it holds the lock would leave main.lock behind, and
        // every later push and commit would be refused until someone removed it by hand.
        await process.WaitForExitAsync(CancellationToken.None);
        await output;
        return (process.ExitCode == 0, (await error).Trim());
    }
}
