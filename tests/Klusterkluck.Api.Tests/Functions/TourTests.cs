using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Functions;

/// <summary>The original project's dashboard tour of functions, through the REST API, git and the gateway.</summary>
public sealed class TourTests
{
    [Fact]
    public async Task TheWholeTourWorksOverRealHttpGitAndProcesses()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path);
        using var alice = await UserSession.StartAsync(api, "alice");
        using var bob = await UserSession.StartAsync(api, "bob");

        // One function of each kind, listed with their URLs.
        var created = await alice.CreateFunctionAsync("hello", "nodejs");
        Assert.Equal($"{api.BaseUrl}/fn/{alice.Username}/hello/", created.GetProperty("url").GetString());
        await alice.CreateFunctionAsync("shout", "exec");
        await alice.CreateFunctionAsync("site", "static");
        var first = (await alice.WaitReadyAsync("hello")).GetProperty("deployedCommit").GetString()!;
        await alice.WaitReadyAsync("shout");
        await alice.WaitReadyAsync("site");
        var list = await alice.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions");
        Assert.Equal(["hello", "shout", "site"], list!.Select(f => f.GetProperty("name").GetString()));
        Assert.All(list!, f => Assert.StartsWith($"{api.BaseUrl}/fn/{alice.Username}/", f.GetProperty("url").GetString()));

        // Invoked through the gateway with the owner's token; without one refused, with another user's not found.
        Assert.Equal("Hello, tour!\n", await alice.CallTextAsync("hello", "?name=tour"));
        using (var shout = await alice.CallAsync("shout", body: new StringContent("tour")))
        {
            Assert.Equal("Hello, tour!\n", await shout.Content.ReadAsStringAsync());
        }
        Assert.Contains("<html", await alice.CallTextAsync("site"), StringComparison.OrdinalIgnoreCase);
        using (var anonymous = await api.Client.GetAsync($"/fn/{alice.Username}/hello/"))
        {
            await anonymous.AssertProblemAsync(401);
        }
        using (var stranger = await bob.CallAsync("hello", owner: alice.Username))
        {
            await stranger.AssertProblemAsync(404);
        }
        var workerPid = (await alice.GetFunctionAsync("hello")).GetProperty("instances")[0].GetProperty("processId").GetInt32();

        // Clone, change, push: the new commit is a version; deploy it, then roll back.
        string second;
        using (var clone = Clone.Of(alice, "hello"))
        {
            second = clone.Write("klusterkluck.yaml", "kind: nodejs\nhandler: index.js\nenv:\n  GREETING: Bonjour\n").CommitAndPush("Say bonjour");
        }
        var versions = await alice.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions/hello/versions");
        Assert.Equal([second, first], versions!.Select(v => v.GetProperty("sha").GetString()));
        Assert.Equal("Say bonjour", versions![0].GetProperty("message").GetString());
        Assert.Equal([false, true], versions.Select(v => v.GetProperty("deployed").GetBoolean()));

        await alice.DeployAsync("hello", second);
        await alice.WaitReadyAsync("hello", second);
        Assert.Equal("Bonjour, tour!\n", await alice.CallTextAsync("hello", "?name=tour"));
        await alice.DeployAsync("hello", first);
        await alice.WaitReadyAsync("hello", first);
        Assert.Equal("Hello, tour!\n", await alice.CallTextAsync("hello", "?name=tour"));

        // Delete: the function, its worker, its route and its repository are gone.
        var servingPid = (await alice.GetFunctionAsync("hello")).GetProperty("instances")[0].GetProperty("processId").GetInt32();
        using (var deleted = await alice.Client.DeleteAsync("/api/v1/functions/hello"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await alice.Client.GetAsync("/api/v1/functions/hello"))
        {
            await gone.AssertProblemAsync(404);
        }
        using (var route = await alice.CallAsync("hello"))
        {
            await route.AssertProblemAsync(404);
        }
        Assert.True(await Processes.WaitGoneAsync(servingPid, TimeSpan.FromSeconds(15)), "the worker outlived its function");
        Assert.True(await Processes.WaitGoneAsync(workerPid, TimeSpan.FromSeconds(15)), "a replaced worker was never stopped");
        Assert.False(Directory.Exists(Path.Combine(data.Path, "repos", alice.Username, "hello.git")));
        using var target = new TempFolder();
        Assert.NotEqual(0, GitCli.TryRun(target.Path, "clone", "-q", alice.GitUrl("hello"), "again").ExitCode);
    }
}
