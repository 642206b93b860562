using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Functions;

/// <summary>No tenant can see or touch another's functions or repositories: to them they do not exist.</summary>
public sealed class IsolationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AnotherUsersFunctionDoesNotExistOnAnyEndpoint()
    {
        using var alice = await UserSession.StartAsync(fixture.Api, "alice");
        using var mallory = await UserSession.StartAsync(fixture.Api, "mallory");
        var sha = (await alice.CreateFunctionAsync("private", "nodejs")).GetProperty("deployment").GetProperty("commit").GetString();
        await alice.WaitReadyAsync("private");
        // Mallory even has a function of the same name: each name lives in its owner's tenant.
        await mallory.CreateFunctionAsync("private", "static");

        var list = await mallory.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions");
        Assert.Equal(["static"], list!.Select(f => f.GetProperty("kind").GetString()));
        await mallory.DeleteAsync("private");
        var probes = new Func<HttpClient, Task<HttpResponseMessage>>[]
        {
            c => c.GetAsync("/api/v1/functions/private"),
            c => c.GetAsync("/api/v1/functions/private/versions"),
            c => c.PutAsync($"/api/v1/functions/private/versions/{sha}", null),
            c => c.PostAsync("/api/v1/functions/private/invoke", new StringContent("x")),
            c => c.GetAsync("/api/v1/functions/private/logs"),
            c => c.DeleteAsync("/api/v1/functions/private"),
        };
        foreach (var probe in probes)
        {
            using var response = await probe(mallory.Client);
            await response.AssertProblemAsync(404);
        }

        // Through the gateway the worker refuses Mallory's token as if there were no such function.
        using (var call = await mallory.CallAsync("private", owner: alice.Username))
        {
            await call.AssertProblemAsync(404);
        }
        // Alice's function is untouched.
        Assert.Equal("ready", (await alice.GetFunctionAsync("private")).GetProperty("state").GetString());
        Assert.Equal("Hello, world!\n", await alice.CallTextAsync("private"));
    }

    [Fact]
    public async Task GitServesARepositoryToItsOwnerOnly()
    {
        using var alice = await UserSession.StartAsync(fixture.Api, "gitalice");
        using var mallory = await UserSession.StartAsync(fixture.Api, "gitmallory");
        await alice.CreateFunctionAsync("code", "exec");
        using var folder = new TempFolder();
        var port = fixture.Api.Port;

        // Mallory's own valid credentials, on Alice's repository.
        var asMallory = mallory.GitUrl("code", user: alice.Username);
        var clone = GitCli.TryRun(folder.Path, "clone", "-q", asMallory, "stolen");
        Assert.NotEqual(0, clone.ExitCode);
        Assert.Matches("404|not found", clone.Error);
        Assert.NotEqual(0, GitCli.TryRun(folder.Path, "ls-remote", asMallory).ExitCode);

        // No credentials, a wrong password.
        Assert.NotEqual(0, GitCli.TryRun(folder.Path, "ls-remote", $"http://127.0.0.1:{port}/git/{alice.Username}/code.git").ExitCode);
        Assert.NotEqual(0, GitCli.TryRun(folder.Path, "ls-remote", $"http://{alice.Username}:wrong-password-1@127.0.0.1:{port}/git/{alice.Username}/code.git").ExitCode);

        // Pushing with Mallory's credentials into Alice's clone's remote fails too.
        using var own = Clone.Of(alice, "code");
        own.Write("handler.sh", "#!/bin/sh\necho pwned\n").Commit("pwn");
        Assert.NotEqual(0, GitCli.TryRun(own.Path, "push", "-q", asMallory, "main").ExitCode);
        var versions = await alice.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions/code/versions");
        Assert.Single(versions!);

        // Raw HTTP with a bearer token instead of Basic is refused as well.
        using var raw = new HttpRequestMessage(HttpMethod.Get, $"/git/{alice.Username}/code.git/info/refs?service=git-upload-pack");
        raw.Headers.Authorization = new("Bearer", mallory.AccessToken);
        using var refused = await fixture.Api.Client.SendAsync(raw);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
