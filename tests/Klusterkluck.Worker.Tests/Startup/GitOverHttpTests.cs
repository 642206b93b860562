using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Startup;

/// <summary>The worker fetches over git's smart HTTP with KK_GIT_TOKEN, as it does from the control plane.</summary>
public sealed class GitOverHttpTests
{
    private const string Token = "read-only-token-1";

    private static (GitRepo Repo, TempFolder Root, string Sha) Publish()
    {
        var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: static\n").Write("index.html", "fetched over http").Commit("one");
        var root = new TempFolder();
        repo.Git("clone", "-q", "--bare", repo.Path, Path.Combine(root.Path, "hello.git"));
        return (repo, root, sha);
    }

    private static Dictionary<string, string> Env(LoopbackServer server, string sha, string? token)
    {
        var env = new Dictionary<string, string>
        {
            ["KK_GIT_URL"] = $"{server.BaseUrl}/hello.git",
            ["KK_GIT_COMMIT"] = sha,
            ["KK_FUNCTION"] = "alice/hello",
        };
        if (token is not null)
        {
            env["KK_GIT_TOKEN"] = token;
        }
        return env;
    }

    [Fact]
    public async Task TokenFetchesTheRepository()
    {
        var (repo, root, sha) = Publish();
        using var _ = repo;
        using var __ = root;
        await using var server = await GitHttpServer.StartAsync(root.Path, Token);
        await using var worker = await WorkerProcess.StartReadyAsync(Env(server, sha, Token));

        Assert.Equal("fetched over http", await worker.Client.GetStringAsync("/index.html"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task MissingOrWrongTokenStopsTheWorker(string? token)
    {
        var (repo, root, sha) = Publish();
        using var _ = repo;
        using var __ = root;
        await using var server = await GitHttpServer.StartAsync(root.Path, Token);
        var (exitCode, output) = await WorkerProcess.RunToExitAsync(Env(server, sha, token));

        Assert.Equal(1, exitCode);
        Assert.Contains("klusterkluck-worker: cannot fetch repository", output);
        Assert.DoesNotContain(Token, output);
    }
}
