using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Functions;

public sealed class DeployTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ApiProcess Api => fixture.Api;

    [Fact]
    public async Task ARedeployUnderLoadFailsNoRequest()
    {
        using var user = await UserSession.StartAsync(Api, "load");
        await user.CreateFunctionAsync("steady", "nodejs");
        await user.WaitReadyAsync("steady");
        using var clone = Clone.Of(user, "steady");
        var second = clone.Write("klusterkluck.yaml", "kind: nodejs\nenv:\n  GREETING: Second\n").CommitAndPush("Second greeting");

        var failures = new List<string>();
        var replies = new HashSet<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var load = Task.Run(async () =>
        {
            // Bounded: it ends when the new reply shows up, or after a minute.
            while (!stop.IsCancellationRequested && !replies.Contains("Second, x!\n"))
            {
                using var response = await user.CallAsync("steady", "?name=x");
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {text}");
                }
                replies.Add(text);
            }
        });
        await user.DeployAsync("steady", second);
        await load;

        Assert.Empty(failures);
        Assert.Equal(["Hello, x!\n", "Second, x!\n"], replies.Order());
        await user.WaitReadyAsync("steady", second);
    }

    [Fact]
    public async Task ACommitWithAnInvalidConfigFailsAndThePreviousRevisionKeepsServing()
    {
        using var user = await UserSession.StartAsync(Api, "badcfg");
        var first = (await user.CreateFunctionAsync("keep", "nodejs")).GetProperty("deployment").GetProperty("commit").GetString();
        await user.WaitReadyAsync("keep");
        using var clone = Clone.Of(user, "keep");
        var broken = clone.Write("klusterkluck.yaml", "kind: python\n").CommitAndPush("Not a kind");

        using var response = await user.Client.PutAsync($"/api/v1/functions/keep/versions/{broken}", null);
        var problem = await response.AssertProblemAsync(422);
        Assert.Contains("kind 'python' is not one of", problem.GetProperty("detail").GetString());

        var function = await user.GetFunctionAsync("keep");
        Assert.Equal("failed", function.GetProperty("state").GetString());
        Assert.Equal(broken, function.GetProperty("deployment").GetProperty("commit").GetString());
        Assert.Contains("kind 'python'", function.GetProperty("deployment").GetProperty("error").GetString());
        Assert.Equal(first, function.GetProperty("deployedCommit").GetString());
        Assert.Equal("Hello, still!\n", await user.CallTextAsync("keep", "?name=still"));
    }

    [Fact]
    public async Task AHandlerThatCannotLoadFailsItsDeployWithTheReasonAndLogs()
    {
        using var user = await UserSession.StartAsync(Api, "noload");
        await user.CreateFunctionAsync("fragile", "nodejs");
        var first = (await user.WaitReadyAsync("fragile")).GetProperty("deployedCommit").GetString();
        using var clone = Clone.Of(user, "fragile");
        var broken = clone.Write("index.js", "require('left-pad');\nmodule.exports = () => 'never';\n").CommitAndPush("Needs a module");

        await user.DeployAsync("fragile", broken);
        var function = await user.WaitDeployedAsync("fragile");

        Assert.Equal("failed", function.GetProperty("state").GetString());
        Assert.Contains("Cannot find module 'left-pad'", function.GetProperty("deployment").GetProperty("error").GetString());
        Assert.Equal(first, function.GetProperty("deployedCommit").GetString());
        Assert.Equal("Hello, world!\n", await user.CallTextAsync("fragile"));
        var logs = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/fragile/logs");
        var failed = logs.GetProperty("replicas").EnumerateArray().Single(r => r.GetProperty("commit").GetString() == broken);
        Assert.Contains(failed.GetProperty("lines").EnumerateArray(), l => l.GetProperty("text").GetString()!.Contains("left-pad"));
    }

    [Fact]
    public async Task VersionsMustBeCommitsOfTheFunction()
    {
        using var user = await UserSession.StartAsync(Api, "sha");
        await user.CreateFunctionAsync("versioned", "static");
        using (var unknown = await user.Client.PutAsync($"/api/v1/functions/versioned/versions/{new string('a', 40)}", null))
        {
            await unknown.AssertProblemAsync(404);
        }
        using (var malformed = await user.Client.PutAsync("/api/v1/functions/versioned/versions/not-a-sha", null))
        {
            await malformed.AssertProblemAsync(400);
        }
        using (var badLimit = await user.Client.GetAsync("/api/v1/functions/versioned/versions?limit=0"))
        {
            await badLimit.AssertProblemAsync(400);
        }
        // An abbreviated sha of the history is a version.
        var sha = (await user.WaitReadyAsync("versioned")).GetProperty("deployedCommit").GetString()!;
        await user.DeployAsync("versioned", sha[..8]);
        await user.WaitReadyAsync("versioned", sha);
    }

    [Fact]
    public async Task ADeleteRacingARecreateOfTheSameNameLeavesAWorkingFunction()
    {
        using var user = await UserSession.StartAsync(Api, "recreate");
        await user.CreateFunctionAsync("phoenix", "nodejs");
        await user.WaitReadyAsync("phoenix");

        var delete = user.Client.DeleteAsync("/api/v1/functions/phoenix");
        var create = user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "phoenix", kind = "exec" });
        using (var deleted = await delete)
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var created = await create)
        {
            if (created.StatusCode == HttpStatusCode.Conflict)
            {
                // The create came first and found the old function: now it is gone.
                await user.CreateFunctionAsync("phoenix", "exec");
            }
        }

        var function = await user.WaitReadyAsync("phoenix");
        Assert.Equal("exec", function.GetProperty("kind").GetString());
        using var shout = await user.CallAsync("phoenix", body: new StringContent("again"));
        Assert.Equal("Hello, again!\n", await shout.Content.ReadAsStringAsync());
        var versions = await user.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions/phoenix/versions");
        Assert.Single(versions!);
    }

    [Fact]
    public async Task RequestsAreSpreadOverTheReplicas()
    {
        using var user = await UserSession.StartAsync(Api, "replicas");
        await user.CreateWithCodeAsync("pids", "nodejs", new Dictionary<string, string> { ["index.js"] = "const id = require(\"crypto\").randomUUID();\nmodule.exports = () => id;\n" },
            replicas: 2);
        Assert.Equal(2, (await user.GetFunctionAsync("pids")).GetProperty("instances").GetArrayLength());

        var pids = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            pids.Add(await user.CallTextAsync("pids"));
        }
        Assert.Equal(2, pids.Count);
    }

    [Fact]
    public async Task APublicFunctionAnswersWithoutAToken()
    {
        using var user = await UserSession.StartAsync(Api, "public");
        await user.CreateFunctionAsync("open", "exec", isPublic: true);
        await user.WaitReadyAsync("open");
        using var response = await Api.Client.PostAsync($"/fn/{user.Username}/open/", new StringContent("anyone"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, anyone!\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InvokeReturnsTheFunctionsStatusHeadersAndBodyAndLogsKeepItsOutput()
    {
        using var user = await UserSession.StartAsync(Api, "invoke");
        var sha = await user.CreateWithCodeAsync("echo", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = """
                module.exports = async (request) => {
                  console.log('got ' + JSON.stringify(request.body));
                  return { status: 201, headers: { 'x-echo': 'yes' }, body: { youSent: request.body } };
                };
                """,
        });

        using var response = await user.Client.PostAsJsonAsync("/api/v1/functions/echo/invoke", new { n = 42 });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(201, answer.GetProperty("status").GetInt32());
        Assert.Equal("yes", answer.GetProperty("headers").GetProperty("x-echo").GetString());
        Assert.Equal(42, JsonSerializer.Deserialize<JsonElement>(answer.GetProperty("body").GetString()!).GetProperty("youSent").GetProperty("n").GetInt32());

        var logs = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/echo/logs");
        var serving = logs.GetProperty("replicas").EnumerateArray().Single(r => r.GetProperty("commit").GetString() == sha);
        Assert.Contains(serving.GetProperty("lines").EnumerateArray(), l => l.GetProperty("text").GetString()!.Contains("got {\"n\":42}"));
    }

    [Fact]
    public async Task CreateAndDeployCanWaitUntilTheFunctionServesOrFailed()
    {
        using var user = await UserSession.StartAsync(Api, "waits");

        using var created = await user.Client.PostAsJsonAsync("/api/v1/functions?wait=true", new { name = "hello", kind = "nodejs" });
        var function = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("ready", function.GetProperty("state").GetString());
        // Served at once, as the README's tour calls it right after.
        Assert.Equal("Hello, you!\n", await user.CallTextAsync("hello", "?name=you"));

        using var clone = Clone.Of(user, "hello");
        var broken = clone.Write("index.js", "require('left-pad');\n").CommitAndPush("Needs a package");
        using var deployed = await user.Client.PutAsync($"/api/v1/functions/hello/versions/{broken}?wait=true", null);
        var failed = await deployed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, deployed.StatusCode);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("left-pad", failed.GetProperty("deployment").GetProperty("error").GetString());
        Assert.Equal("Hello, you!\n", await user.CallTextAsync("hello", "?name=you"));
    }

    [Fact]
    public async Task InvokeSendsTheMethodAndPathAskedForAndRefusesBadOnes()
    {
        using var user = await UserSession.StartAsync(Api, "methods");
        await user.CreateFunctionAsync("site", "static");
        await user.WaitReadyAsync("site");

        // A static function answers GET only: invoke's default POST would be 405.
        using var page = await user.Client.PostAsync("/api/v1/functions/site/invoke?method=GET&path=/index.html", null);
        var answer = await page.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(200, answer.GetProperty("status").GetInt32());
        Assert.Contains("<html", answer.GetProperty("body").GetString(), StringComparison.OrdinalIgnoreCase);
        using var missing = await user.Client.PostAsync("/api/v1/functions/site/invoke?method=get&path=/nothing-here", null);
        Assert.Equal(404, (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());

        using var badMethod = await user.Client.PostAsync("/api/v1/functions/site/invoke?method=BREW", null);
        var problem = await badMethod.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("method", out _));
        using var badPath = await user.Client.PostAsync("/api/v1/functions/site/invoke?path=http://elsewhere/", null);
        problem = await badPath.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("path", out _));
    }

    [Fact]
    public async Task InvokePassesOnTheHeadersAskedForAndOnlyThose()
    {
        using var user = await UserSession.StartAsync(Api, "headers");
        await user.CreateWithCodeAsync("mirror", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = async (request) => request.headers;\n",
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/functions/mirror/invoke") { Content = new StringContent("x") };
        request.Headers.Add("Kk-Header-X-Trace", "abc");
        request.Headers.Add("Kk-Header-Accept-Language", "fr");
        request.Headers.Add("X-Not-Asked", "no");
        using var response = await user.Client.SendAsync(request);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var seen = JsonSerializer.Deserialize<JsonElement>(answer.GetProperty("body").GetString()!);
        Assert.True(seen.TryGetProperty("x-trace", out _), answer.ToString());
        Assert.Equal("abc", seen.GetProperty("x-trace").GetString());
        Assert.Equal("fr", seen.GetProperty("accept-language").GetString());
        Assert.False(seen.TryGetProperty("x-not-asked", out _));
        Assert.False(seen.TryGetProperty("kk-header-x-trace", out _));

        using var reserved = new HttpRequestMessage(HttpMethod.Post, "/api/v1/functions/mirror/invoke") { Content = new StringContent("x") };
        reserved.Headers.Add("Kk-Header-Host", "elsewhere");
        using var refused = await user.Client.SendAsync(reserved);
        var problem = await refused.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("headers", out _));
    }
}
