using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.NodeJs;

public sealed class NodeJsWorkerTests
{
    private const string Config = "kind: nodejs\nhandler: index.js\n";

    [Fact]
    public async Task TemplateFunctionSaysHello()
    {
        using var repo = GitRepo.FromTemplate(FunctionKind.NodeJs);
        await using var worker = await WorkerProcess.StartReadyAsync(repo, "HEAD");

        Assert.Equal("Hello, world!\n", await worker.Client.GetStringAsync("/"));
        Assert.Equal("Hello, Ann!\n", await worker.Client.GetStringAsync("/?name=Ann"));
    }

    [Fact]
    public async Task DeployingTheFirstCommitServesTheFirstVersion()
    {
        using var repo = new GitRepo();
        var first = repo.Write("klusterkluck.yaml", Config).Write("index.js", "module.exports = async () => 'version 1';").Commit("v1");
        var second = repo.Write("index.js", "module.exports = async () => 'version 2';").Commit("v2");

        await using (var worker = await WorkerProcess.StartReadyAsync(repo, first))
        {
            Assert.Equal("version 1", await worker.Client.GetStringAsync("/"));
        }
        await using (var worker = await WorkerProcess.StartReadyAsync(repo, second))
        {
            Assert.Equal("version 2", await worker.Client.GetStringAsync("/"));
        }
    }

    [Fact]
    public async Task HandlerReceivesMethodPathQueryHeadersAndBody()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config)
            .Write("index.js", "module.exports = async (r) => ({ method: r.method, path: r.path, query: r.query, custom: r.headers['x-custom'], body: r.body });")
            .Commit("echo");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/orders/7?tag=a&tag=b&one=1") { Content = JsonContent.Create(new { qty = 3 }) };
        request.Headers.Add("X-Custom", "yes");
        using var response = await worker.Client.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("PUT", echo.GetProperty("method").GetString());
        Assert.Equal("/orders/7", echo.GetProperty("path").GetString());
        Assert.Equal("[\"a\",\"b\"]", echo.GetProperty("query").GetProperty("tag").GetRawText());
        Assert.Equal("1", echo.GetProperty("query").GetProperty("one").GetString());
        Assert.Equal("yes", echo.GetProperty("custom").GetString());
        Assert.Equal(3, echo.GetProperty("body").GetProperty("qty").GetInt32());
    }

    [Fact]
    public async Task HandlerMayReturnTextJsonOrAFullResponse()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config).Write("index.js", """
            module.exports = async (r) => {
              switch (r.path) {
                case '/text': return 'plain';
                case '/number': return 42;
                case '/full': return { status: 201, headers: { 'x-made': 'here', 'content-type': 'text/csv' }, body: 'a,b' };
                case '/nothing': return undefined;
                default: return { status: 404, body: { missing: r.path } };
              }
            };
            """).Commit("shapes");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        using var text = await worker.Client.GetAsync("/text");
        Assert.Equal("text/plain; charset=utf-8", text.Content.Headers.ContentType!.ToString());
        Assert.Equal("plain", await text.Content.ReadAsStringAsync());

        using var number = await worker.Client.GetAsync("/number");
        Assert.Equal("application/json", number.Content.Headers.ContentType!.MediaType);
        Assert.Equal("42", await number.Content.ReadAsStringAsync());

        using var full = await worker.Client.GetAsync("/full");
        Assert.Equal(HttpStatusCode.Created, full.StatusCode);
        Assert.Equal("here", full.Headers.GetValues("x-made").Single());
        Assert.Equal("text/csv", full.Content.Headers.ContentType!.MediaType);
        Assert.Equal("a,b", await full.Content.ReadAsStringAsync());

        using var nothing = await worker.Client.GetAsync("/nothing");
        Assert.Equal(HttpStatusCode.NoContent, nothing.StatusCode);

        using var missing = await worker.Client.GetAsync("/elsewhere");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("{\"missing\":\"/elsewhere\"}", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HandlerThatThrowsGives500AndIsLogged()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config)
            .Write("index.js", "module.exports = async () => { throw new Error('kaboom in handler'); };").Commit("throws");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        using var response = await worker.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("kaboom", await response.Content.ReadAsStringAsync());
        Assert.True(await worker.WaitForOutputAsync("kaboom in handler"), worker.Output);
    }

    [Fact]
    public async Task CrashedNodeProcessIsRestarted()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config).Write("index.js", """
            module.exports = async (r) => {
              if (r.path === '/crash') setTimeout(() => process.exit(7), 10);
              return String(process.pid);
            };
            """).Commit("crashes");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);
        var firstPid = await worker.Client.GetStringAsync("/crash");

        Assert.True(await worker.WaitForOutputAsync("node exited with code 7"), worker.Output);
        var secondPid = await worker.Client.GetStringAsync("/");

        Assert.NotEqual(firstPid, secondPid);
        await worker.WaitReadyAsync();
    }

    [Fact]
    public async Task SlowHandlerTimesOutWith504()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config + "timeout: 1s\n")
            .Write("index.js", "module.exports = (r) => new Promise((ok) => setTimeout(() => ok('late'), r.path === '/slow' ? 10000 : 0));")
            .Commit("slow");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        var started = DateTime.UtcNow;
        using var response = await worker.Client.GetAsync("/slow");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal("late", await worker.Client.GetStringAsync("/fast"));
    }

    [Fact]
    public async Task HealthzSays503UntilTheHandlerHasLoaded()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config)
            .Write("index.js", "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);\nmodule.exports = async () => 'loaded';")
            .Commit("slow to load");
        await using var worker = WorkerProcess.Start(WorkerProcess.Env(repo, sha));

        var firstAnswer = await worker.FirstHealthzAnswerAsync();
        await worker.WaitReadyAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, firstAnswer);
        Assert.Equal("loaded", await worker.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task FunctionGetsItsEnvButNotTheWorkersSecrets()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config + "env:\n  GREETING: Hej\n")
            .Write("index.js", "module.exports = async () => `${process.env.GREETING} ${process.env.KK_GIT_TOKEN ?? 'no-token'}`;")
            .Commit("env");
        var env = WorkerProcess.Env(repo, sha);
        env["KK_GIT_TOKEN"] = "secret-token";
        await using var worker = await WorkerProcess.StartReadyAsync(env);

        Assert.Equal("Hej no-token", await worker.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task EsModuleHandlersWork()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: nodejs\nhandler: main.mjs\n")
            .Write("main.mjs", "import { greet } from './lib.mjs';\nexport default async (r) => greet(r.query.name);")
            .Write("lib.mjs", "export const greet = (name) => `hi ${name}`;")
            .Commit("esm");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        Assert.Equal("hi esm", await worker.Client.GetStringAsync("/?name=esm"));
    }

    [Fact]
    public async Task HandlerThatBlocksTheEventLoopGetsNodeRestarted()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config + "timeout: 1s\n").Write("index.js", """
            module.exports = async (r) => {
              if (r.path === '/spin') for (;;) {}
              return String(process.pid);
            };
            """).Commit("spins");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);
        var firstPid = await worker.Client.GetStringAsync("/");

        using var stuck = await worker.Client.GetAsync("/spin");
        Assert.Equal(HttpStatusCode.GatewayTimeout, stuck.StatusCode);
        Assert.True(await worker.WaitForOutputAsync("restarting it"), worker.Output);
        await worker.WaitReadyAsync();

        Assert.NotEqual(firstPid, await worker.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task PathIsTakenAsWrittenAndQueryKeysArePlain()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config)
            .Write("index.js", "module.exports = async (r) => ({ path: r.path, keys: Object.keys(r.query), value: r.query.toString });")
            .Commit("echo path");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        using var response = await worker.Client.GetAsync(new Uri($"http://127.0.0.1:{worker.Port}//evil.example/x?toString=a&__proto__=b"));
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("//evil.example/x", echo.GetProperty("path").GetString());
        Assert.Equal("[\"toString\",\"__proto__\"]", echo.GetProperty("keys").GetRawText());
        Assert.Equal("a", echo.GetProperty("value").GetString());
    }

    [Fact]
    public async Task HandlerThatCannotLoadSaysWhy()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config).Write("index.js", "require('left-pad-that-is-not-installed');").Commit("missing module");

        var (exitCode, output) = await WorkerProcess.RunToExitAsync(WorkerProcess.Env(repo, sha));

        Assert.Equal(1, exitCode);
        Assert.Contains("did not start (node exited with code 3): Error: Cannot find module 'left-pad-that-is-not-installed'", output);
    }

    [Fact]
    public async Task ClientsCannotClaimToBeAUser()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", Config)
            .Write("index.js", "module.exports = async (r) => r.headers['x-klusterkluck-user'] ?? 'nobody';").Commit("who");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Klusterkluck-User", "admin");
        using var response = await worker.Client.SendAsync(request);

        Assert.Equal("nobody", await response.Content.ReadAsStringAsync());
    }
}
