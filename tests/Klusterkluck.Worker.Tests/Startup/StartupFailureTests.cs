using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Startup;

/// <summary>A worker that cannot serve says why in one line and exits non-zero.</summary>
public sealed class StartupFailureTests
{
    private static async Task<string> FailsWithOneLineAsync(Dictionary<string, string> environment)
    {
        var (exitCode, output) = await WorkerProcess.RunToExitAsync(environment);
        Assert.NotEqual(0, exitCode);
        var errors = output.Split('\n').Where(line => line.StartsWith("klusterkluck-worker:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, output);
        // Function output (node's own stack, say) is logged with a prefix; a bare "at" line is a .NET stack trace.
        Assert.DoesNotContain(output.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        return errors[0];
    }

    [Fact]
    public async Task MissingConfigStopsTheWorker()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("index.js", "module.exports = async () => 'x';").Commit("no config");

        Assert.Contains("klusterkluck.yaml is missing", await FailsWithOneLineAsync(WorkerProcess.Env(repo, sha)));
    }

    [Theory]
    [InlineData("kind: python\n", "kind 'python' is not one of nodejs, exec, static")]
    [InlineData("kind: exec\n", "'command' is required for kind exec")]
    [InlineData("kind: nodejs\ntimeout: forever\n", "timeout 'forever' is not a duration")]
    [InlineData("kind: nodejs\nhandlr: index.js\n", "unknown key 'handlr'")]
    [InlineData("kind: nodejs\nhandler: missing.js\n", "handler 'missing.js' is not a file of the repository")]
    [InlineData("kind: [nodejs\n", "klusterkluck.yaml line")]
    public async Task InvalidConfigStopsTheWorker(string config, string expected)
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", config).Write("index.js", "module.exports = async () => 'x';").Commit("bad config");

        Assert.Contains(expected, await FailsWithOneLineAsync(WorkerProcess.Env(repo, sha)));
    }

    [Fact]
    public async Task UnknownCommitStopsTheWorker()
    {
        using var repo = new GitRepo();
        repo.Write("klusterkluck.yaml", "kind: static\n").Commit("one");

        Assert.Contains("commit 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' is not in repository",
            await FailsWithOneLineAsync(WorkerProcess.Env(repo, "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef")));
    }

    [Fact]
    public async Task MissingRepositoryStopsTheWorker()
    {
        using var folder = new TempFolder();
        var env = new Dictionary<string, string>
        {
            ["KK_GIT_URL"] = Path.Combine(folder.Path, "nothing-here.git"),
            ["KK_GIT_COMMIT"] = "HEAD",
        };

        Assert.Contains("cannot fetch repository", await FailsWithOneLineAsync(env));
    }

    [Fact]
    public async Task MissingVariablesStopTheWorker()
    {
        Assert.Contains("KK_GIT_URL is required", await FailsWithOneLineAsync([]));
    }

    [Fact]
    public async Task HandlerThatCannotLoadStopsTheWorker()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: nodejs\n").Write("index.js", "module.exports = async () => {;").Commit("syntax error");

        Assert.Contains("the nodejs handler 'index.js' did not start", await FailsWithOneLineAsync(WorkerProcess.Env(repo, sha)));
    }

    [Fact]
    public async Task BareRepositoryOverFileUrlIsServed()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: static\n").Write("index.html", "from bare").Commit("one");
        using var bare = new TempFolder();
        repo.Git("clone", "-q", "--bare", repo.Path, Path.Combine(bare.Path, "fn.git"));
        var env = new Dictionary<string, string>
        {
            ["KK_GIT_URL"] = new Uri(Path.Combine(bare.Path, "fn.git")).AbsoluteUri,
            ["KK_GIT_COMMIT"] = sha,
        };
        await using var worker = await WorkerProcess.StartReadyAsync(env);

        Assert.Equal("from bare", await worker.Client.GetStringAsync("/index.html"));
        Assert.Equal("Healthy", await worker.Client.GetStringAsync("/health"));
        Assert.Equal("Healthy", await worker.Client.GetStringAsync("/alive"));
    }
}
