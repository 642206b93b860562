using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Git;

/// <summary>POST {name}/commits: files changed in an editor become a commit on main, with a git push's rules.</summary>
public sealed class FileCommitTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Greeting = "module.exports = 'Hi from the editor';\n";

    private const string Index = "const greeting = require('./lib/greeting.js');\nmodule.exports = async () => `${greeting}\\n`;\n";

    [Fact]
    public async Task ACommitIsTheNewestVersionAndGitAndTheDeploySeeExactlyIt()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "commit");
        await user.CreateFunctionAsync("edited", "nodejs");
        string parent;
        using (var clone = Clone.Of(user, "edited"))
        {
            Directory.CreateDirectory(Path.Combine(clone.Path, "docs", "deep"));
            clone.Write("docs/a.txt", "a\n").Write("docs/deep/b.txt", "b\n");
            parent = clone.Write("notes.txt", "to be deleted\n").CommitAndPush("Notes");
        }

        using var response = await user.Client.PostAsJsonAsync("/api/v1/functions/edited/commits", new
        {
            parent,
            message = "  Greet from a module  \n",
            changes = new object[]
            {
                new { path = "index.js", action = "change", content = Index },
                new { path = "lib/greeting.js", action = "add", content = Greeting },
                new { path = "notes.txt", action = "delete" },
                new { path = "docs/deep/b.txt", action = "delete" },
                new { path = "docs/a.txt", action = "delete" },
            },
        });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var created = JsonSerializer.Deserialize<JsonElement>(body);
        var sha = created.GetProperty("sha").GetString()!;
        Assert.Equal("Greet from a module", created.GetProperty("message").GetString());
        Assert.Equal(user.Username, created.GetProperty("author").GetString());
        Assert.False(created.GetProperty("deployed").GetBoolean());
        var versions = await user.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions/edited/versions");
        Assert.Equal(created.ToString(), versions![0].ToString());
        Assert.Equal(parent, versions[1].GetProperty("sha").GetString());

        using (var clone = Clone.Of(user, "edited"))
        {
            Assert.Equal(sha, GitCli.Run(clone.Path, "rev-parse", "HEAD").Trim());
            Assert.Equal(parent, GitCli.Run(clone.Path, "rev-parse", "HEAD~1").Trim());
            Assert.Equal(["index.js", "klusterkluck.yaml", "lib/greeting.js"],
                GitCli.Run(clone.Path, "ls-files").Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(Index, File.ReadAllText(Path.Combine(clone.Path, "index.js")));
            Assert.Equal(Greeting, File.ReadAllText(Path.Combine(clone.Path, "lib", "greeting.js")));
            // A folder whose last file went is gone too, not left as an empty tree.
            Assert.Equal(["index.js", "klusterkluck.yaml", "lib", "lib/greeting.js"],
                GitCli.Run(clone.Path, "ls-tree", "-r", "-t", "--name-only", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("", GitCli.Run(clone.Path, "fsck", "--no-progress", "--strict"));
        }

        using (var deploy = await user.Client.PutAsync($"/api/v1/functions/edited/versions/{sha}?wait=true", null))
        {
            Assert.True(deploy.StatusCode == HttpStatusCode.OK, await deploy.Content.ReadAsStringAsync());
        }
        await user.WaitReadyAsync("edited", sha);
        using var invoked = await user.Client.PostAsync("/api/v1/functions/edited/invoke", null);
        var answer = await invoked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Hi from the editor\n", answer.GetProperty("body").GetString());
    }

    [Fact]
    public async Task ACommitOnAParentThatIsNoLongerTheHeadIsRefusedAndThePushStays()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "stale");
        await user.CreateFunctionAsync("shared", "nodejs");
        var opened = await HeadAsync(user, "shared");
        string pushed;
        using (var clone = Clone.Of(user, "shared"))
        {
            pushed = clone.Write("index.js", "module.exports = async () => 'pushed';\n").CommitAndPush("Pushed meanwhile");
        }

        using var response = await CommitAsync(user, "shared", opened, "index.js", "change", "module.exports = async () => 'edited';\n");

        var problem = await response.AssertProblemAsync(409);
        Assert.Equal("The function changed since you opened it", problem.GetProperty("title").GetString());
        Assert.Equal(pushed, problem.GetProperty("head").GetString());
        Assert.Contains(opened, problem.GetProperty("detail").GetString());
        Assert.Contains(pushed, problem.GetProperty("detail").GetString());
        Assert.Equal(pushed, await HeadAsync(user, "shared"));
        using var after = Clone.Of(user, "shared");
        Assert.Equal("module.exports = async () => 'pushed';\n", File.ReadAllText(Path.Combine(after.Path, "index.js")));
    }

    [Fact]
    public async Task PathsOutsideTheFilesAndRepeatedPathsAreRefusedByField()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "paths");
        await user.CreateFunctionAsync("guarded", "nodejs");
        var head = await HeadAsync(user, "guarded");

        using var response = await user.Client.PostAsJsonAsync("/api/v1/functions/guarded/commits", new
        {
            parent = head,
            message = " ",
            changes = new object?[]
            {
                new { path = "../escape.js", action = "add", content = "" },
                new { path = "/etc/passwd", action = "add", content = "" },
                new { path = ".git/config", action = "add", content = "" },
                new { path = "lib/.GIT/hooks/pre-receive", action = "add", content = "" },
                new { path = "a//b.js", action = "add", content = "" },
                new { path = "index.js", action = "change", content = "1" },
                new { path = "index.js", action = "delete" },
                new { path = "new.js", action = "rename", content = "" },
                new { path = "other.js", action = "add" },
                null,
            },
        });

        var errors = (await response.AssertProblemAsync(400)).GetProperty("errors");
        Assert.Equal(["changes[0].path", "changes[1].path", "changes[2].path", "changes[3].path", "changes[4].path", "changes[6].path",
            "changes[7].action", "changes[8].content", "changes[9]", "message"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(head, await HeadAsync(user, "guarded"));
    }

    [Fact]
    public async Task ChangesThatDoNotFitTheFilesAreRefusedByField()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "fit");
        await user.CreateFunctionAsync("fitted", "nodejs");
        var head = await HeadAsync(user, "fitted");

        foreach (var (path, action, key) in new[]
        {
            ("index.js", "add", "changes[0].path"),
            ("missing.js", "change", "changes[0].path"),
            ("missing.js", "delete", "changes[0].path"),
            ("index.js/inner.js", "add", "changes[0].path"),
        })
        {
            using var response = await CommitAsync(user, "fitted", head, path, action, action == "delete" ? null : "x");
            var problem = await response.AssertProblemAsync(400);
            Assert.Equal([key], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
        using (var emptied = await user.Client.PostAsJsonAsync("/api/v1/functions/fitted/commits", new
        {
            parent = head,
            message = "Delete everything",
            changes = new[] { new { path = "index.js", action = "delete" }, new { path = "klusterkluck.yaml", action = "delete" } },
        }))
        {
            Assert.True((await emptied.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("changes", out _));
        }
        var template = (await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/fitted/files/index.js")).GetProperty("content").GetString();
        using (var unchanged = await CommitAsync(user, "fitted", head, "index.js", "change", template))
        {
            Assert.True((await unchanged.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("changes", out _));
        }
        Assert.Equal(head, await HeadAsync(user, "fitted"));
    }

    [Fact]
    public async Task AnotherUsersFunctionIsUnknownToAllThreeEndpoints()
    {
        using var alice = await UserSession.StartAsync(fixture.Api, "alice");
        using var mallory = await UserSession.StartAsync(fixture.Api, "mallory");
        await alice.CreateFunctionAsync("private", "nodejs");
        var head = await HeadAsync(alice, "private");

        using var tree = await mallory.Client.GetAsync("/api/v1/functions/private/tree");
        using var file = await mallory.Client.GetAsync("/api/v1/functions/private/files/index.js");
        using var commit = await CommitAsync(mallory, "private", head, "index.js", "change", "module.exports = async () => 'mine';\n");

        foreach (var response in new[] { tree, file, commit })
        {
            Assert.Equal("Unknown function", (await response.AssertProblemAsync(404)).GetProperty("title").GetString());
        }
        Assert.Equal(head, await HeadAsync(alice, "private"));
    }

    [Fact]
    public async Task OfTwoCommitsOnTheSameParentAtOnceExactlyOneLands()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "race");
        await user.CreateFunctionAsync("raced", "nodejs");

        for (var round = 0; round < 5; round++)
        {
            var parent = await HeadAsync(user, "raced");
            var contents = new[] { $"// round {round}, first\n", $"// round {round}, second\n" };
            var responses = await Task.WhenAll(contents.Select(c => CommitAsync(user, "raced", parent, "race.js", round == 0 ? "add" : "change", c)));

            var statuses = responses.Select(r => r.StatusCode).Order().ToList();
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], statuses);
            var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Created);
            var sha = (await responses[winner].JsonAsync()).GetProperty("sha").GetString()!;
            Assert.Equal(sha, (await responses[1 - winner].AssertProblemAsync(409)).GetProperty("head").GetString());
            Assert.Equal(sha, await HeadAsync(user, "raced"));
            var file = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/raced/files/race.js");
            Assert.Equal(contents[winner], file.GetProperty("content").GetString());
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task ACommitAndAPushAtOnceNeverBothLand()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "versus");
        await user.CreateFunctionAsync("contested", "nodejs");
        using var clone = Clone.Of(user, "contested");

        for (var round = 0; round < 5; round++)
        {
            var parent = GitCli.Run(clone.Path, "rev-parse", "HEAD").Trim();
            var local = clone.Write("index.js", $"module.exports = async () => 'pushed {round}';\n").Commit($"Push {round}");
            var push = Task.Run(() => GitCli.TryRun(clone.Path, "push", "-q", "origin", "main"));
            using var commit = await CommitAsync(user, "contested", parent, "index.js", "change", $"module.exports = async () => 'committed {round}';\n");
            var pushed = (await push).ExitCode == 0;

            Assert.True(pushed != (commit.StatusCode == HttpStatusCode.Created), $"round {round}: push {(pushed ? "landed" : "refused")}, commit {(int)commit.StatusCode}");
            var head = await HeadAsync(user, "contested");
            Assert.Equal(pushed ? local : (await commit.JsonAsync()).GetProperty("sha").GetString(), head);
            GitCli.Run(clone.Path, "fetch", "-q", "origin");
            GitCli.Run(clone.Path, "reset", "-q", "--hard", "origin/main");
        }
    }

    [Fact]
    public async Task AChangeKeepsTheFilesModeUnlessItNamesOne()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "modes");
        await user.CreateFunctionAsync("script", "exec");
        var head = await HeadAsync(user, "script");

        using (var first = await user.Client.PostAsJsonAsync("/api/v1/functions/script/commits", new
        {
            parent = head,
            message = "Edit the handler, add a tool",
            changes = new object[]
            {
                new { path = "handler.sh", action = "change", content = "#!/bin/sh\necho edited\n" },
                new { path = "tool.sh", action = "add", content = "#!/bin/sh\n", executable = true },
                new { path = "notes.txt", action = "add", content = "plain\n" },
            },
        }))
        {
            head = (await first.JsonAsync()).GetProperty("sha").GetString()!;
        }
        Assert.Equal(new Dictionary<string, bool> { ["handler.sh"] = true, ["klusterkluck.yaml"] = false, ["notes.txt"] = false, ["tool.sh"] = true },
            await ModesAsync(user, "script"));

        using (var second = await CommitAsync(user, "script", head, "handler.sh", "change", "echo plain\n", executable: false))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }
        Assert.False((await ModesAsync(user, "script"))["handler.sh"]);
    }

    [Fact]
    public async Task ACommitCarriesNoMoreThanAPushMay()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Limits__MaxPushBytes"] = "65536" });
        using var user = await UserSession.StartAsync(api, "large");
        await user.CreateFunctionAsync("bulky", "nodejs");
        var head = await HeadAsync(user, "bulky");

        using var response = await CommitAsync(user, "bulky", head, "data.txt", "add", new string('x', 65537));

        var problem = await response.AssertProblemAsync(413);
        Assert.Equal("Limits:MaxPushBytes", problem.GetProperty("limit").GetString());
        Assert.Equal(head, await HeadAsync(user, "bulky"));
        using var fits = await CommitAsync(user, "bulky", head, "data.txt", "add", new string('x', 65536));
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    private static Task<HttpResponseMessage> CommitAsync(UserSession user, string function, string parent, string path, string action, string? content,
        bool? executable = null) =>
        user.Client.PostAsJsonAsync($"/api/v1/functions/{function}/commits", new
        {
            parent,
            message = $"{action} {path}",
            changes = new[] { new { path, action, content, executable } },
        });

    private static async Task<Dictionary<string, bool>> ModesAsync(UserSession user, string function) =>
        (await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/{function}/tree")).GetProperty("entries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("executable").GetBoolean());

    private static async Task<string> HeadAsync(UserSession user, string function) =>
        (await user.Client.GetFromJsonAsync<JsonElement[]>($"/api/v1/functions/{function}/versions"))![0].GetProperty("sha").GetString()!;
}
