using System.Net;
using System.Security.Cryptography;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Exec;

public sealed class ExecWorkerTests
{
    private static string Config(string extra = "") => $"kind: exec\ncommand: ./handler.sh\n{extra}";

    private static async Task<(GitRepo Repo, WorkerProcess Worker)> StartAsync(string script, string config = "")
    {
        var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config(config)).Write("handler.sh", "#!/bin/sh\n" + script, executable: true).Commit("exec");
        return (repo, await WorkerProcess.StartReadyAsync(repo, sha));
    }

    [Fact]
    public async Task TemplateFunctionGreetsTheBody()
    {
        using var repo = GitRepo.FromTemplate(FunctionKind.Exec);
        await using var worker = await WorkerProcess.StartReadyAsync(repo, "HEAD");

        using var response = await worker.Client.PostAsync("/", new StringContent("Ann"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, Ann!\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequestArrivesInHttpEnvironmentVariables()
    {
        var (repo, worker) = await StartAsync("echo \"$Http_Method|$Http_Path|$Http_Query|$Http_X_Custom_Header|$Http_Content_Type\"\n");
        using var _ = repo;
        await using var __ = worker;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/some/path?a=1&b=2") { Content = new StringContent("x", null, "text/csv") };
        request.Headers.Add("x-custom-header", "value");
        using var response = await worker.Client.SendAsync(request);

        Assert.Equal("POST|/some/path|a=1&b=2|value|text/csv; charset=utf-8\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NonZeroExitGives500WithStderrInTheLog()
    {
        var (repo, worker) = await StartAsync("echo partial output\necho 'disk on fire' >&2\nexit 3\n");
        using var _ = repo;
        await using var __ = worker;

        using var response = await worker.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("partial output", await response.Content.ReadAsStringAsync());
        Assert.True(await worker.WaitForOutputAsync("disk on fire"), worker.Output);
        Assert.True(await worker.WaitForOutputAsync("exited with code 3"), worker.Output);
    }

    [Fact]
    public async Task TimeoutKillsTheProcessTreeAndGives504()
    {
        using var folder = new TempFolder();
        var pidFile = Path.Combine(folder.Path, "child.pid");
        var (repo, worker) = await StartAsync($"sleep 300 &\necho $! > {pidFile}\nwait\n", "timeout: 1s\n");
        using var _ = repo;
        await using var __ = worker;

        using var response = await worker.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var childPid = File.ReadAllText(pidFile).Trim();
        await Eventually(() => !Directory.Exists($"/proc/{childPid}") || File.ReadAllText($"/proc/{childPid}/stat").Contains(") Z "));
    }

    [Fact]
    public async Task ExecutableBitComesFromGit()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config()).Write("handler.sh", "#!/bin/sh\necho hi\n", executable: false).Commit("not executable");

        var (exitCode, output) = await WorkerProcess.RunToExitAsync(WorkerProcess.Env(repo, sha));

        Assert.Equal(1, exitCode);
        Assert.Contains("command './handler.sh' is not executable", output);
    }

    [Fact]
    public async Task LargeRequestBodiesAreStreamedToStdin()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config()).Write("handler.sh", "#!/bin/sh\nsha256sum | cut -d' ' -f1\n", executable: true).Commit("hash");
        var env = WorkerProcess.Env(repo, sha);
        // Far over the default limit (6 MiB), as a platform may allow.
        env["KK_MAX_REQUEST_BYTES"] = $"{2 * LargeBytes}";
        await using var worker = await WorkerProcess.StartReadyAsync(env);
        var body = new byte[LargeBytes];
        Random.Shared.NextBytes(body);
        var baseline = worker.PeakMemoryBytes();

        using var response = await worker.Client.PostAsync("/", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), (await response.Content.ReadAsStringAsync()).Trim());
        AssertNotBuffered(worker, baseline);
    }

    [Fact]
    public async Task LargeRepliesAreStreamedFromStdout()
    {
        var (repo, worker) = await StartAsync($"head -c {LargeBytes} /dev/zero\n");
        using var _ = repo;
        await using var __ = worker;
        var baseline = worker.PeakMemoryBytes();

        using var response = await worker.Client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        await using var reply = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = await reply.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LargeBytes, total);
        AssertNotBuffered(worker, baseline);
    }

    private const long LargeBytes = 160L * 1024 * 1024;

    private static void AssertNotBuffered(WorkerProcess worker, long baseline)
    {
        var growth = worker.PeakMemoryBytes() - baseline;
        Assert.True(growth < 64 * 1024 * 1024, $"worker memory grew by {growth / 1024 / 1024} MiB for a {LargeBytes / 1024 / 1024} MiB body");
    }

    [Fact]
    public async Task FunctionDoesNotSeeTheGitToken()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config("env:\n  GREETING: Hej\n"))
            .Write("handler.sh", "#!/bin/sh\necho \"$GREETING ${KK_GIT_TOKEN:-no-token}\"\n", executable: true).Commit("env");
        var env = WorkerProcess.Env(repo, sha);
        env["KK_GIT_TOKEN"] = "secret-token";
        await using var worker = await WorkerProcess.StartReadyAsync(env);

        Assert.Equal("Hej no-token\n", await worker.Client.GetStringAsync("/"));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 100 && !condition(); attempt++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }

    [Fact]
    public async Task BackgroundChildrenDoNotHoldTheReplyOrOutliveIt()
    {
        using var folder = new TempFolder();
        var pidFile = Path.Combine(folder.Path, "orphan.pid");
        var (repo, worker) = await StartAsync($"(sleep 300 & echo $! > {pidFile})\necho done\n");
        using var _ = repo;
        await using var __ = worker;

        var started = DateTime.UtcNow;
        using var response = await worker.Client.GetAsync("/");

        Assert.Equal("done\n", await response.Content.ReadAsStringAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the reply waited for a background child");
        var orphan = File.ReadAllText(pidFile).Trim();
        await Eventually(() => !Directory.Exists($"/proc/{orphan}") || File.ReadAllText($"/proc/{orphan}/stat").Contains(") Z "));
    }

    [Fact]
    public async Task HeadersCannotPoseAsTheRequestLine()
    {
        var (repo, worker) = await StartAsync("echo \"$Http_Method $Http_Path\"\n");
        using var _ = repo;
        await using var __ = worker;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/real");
        request.Headers.Add("Method", "DELETE");
        request.Headers.Add("Path", "/admin");
        using var response = await worker.Client.SendAsync(request);

        Assert.Equal("GET /real\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TooLargeBodyIs413AndNeverReachesTheCommand()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config()).Write("handler.sh", "#!/bin/sh\nsleep 30\nwc -c\n", executable: true).Commit("slow count");
        var env = WorkerProcess.Env(repo, sha);
        env["KK_MAX_REQUEST_BYTES"] = "1000";
        await using var worker = await WorkerProcess.StartReadyAsync(env);

        var started = DateTime.UtcNow;
        using var response = await worker.Client.PostAsync("/", new ByteArrayContent(new byte[5000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the refused request waited for its command");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task CommandNotOnPathStopsTheWorker()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: exec\ncommand: handler.sh\n").Write("handler.sh", "#!/bin/sh\necho hi\n", executable: true).Commit("no ./");

        var (exitCode, output) = await WorkerProcess.RunToExitAsync(WorkerProcess.Env(repo, sha));

        Assert.Equal(1, exitCode);
        Assert.Contains("command 'handler.sh' is not a program on PATH (a file of the repository is written ./handler.sh)", output);
    }
}
