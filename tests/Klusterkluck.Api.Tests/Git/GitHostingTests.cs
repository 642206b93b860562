using System.Net;

namespace Klusterkluck.Api.Tests.Git;

public sealed class GitHostingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AnAccessTokenWorksAsTheGitPassword()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "token");
        await user.CreateFunctionAsync("tokened", "static");
        using var folder = new TempFolder();
        var url = $"http://oauth2:{user.AccessToken}@127.0.0.1:{fixture.Api.Port}/git/{user.Username}/tokened.git";

        GitCli.Run(folder.Path, "clone", "-q", url, "repo");

        Assert.True(File.Exists(Path.Combine(folder.Path, "repo", "klusterkluck.yaml")));
    }

    [Fact]
    public async Task HistoryCannotBeRewrittenSoEveryVersionStaysDeployable()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "history");
        await user.CreateFunctionAsync("kept", "exec");
        using var clone = Clone.Of(user, "kept");
        var pushed = clone.Write("README", "v2\n").CommitAndPush("Second");

        GitCli.Run(clone.Path, "reset", "-q", "--hard", "HEAD~1");
        clone.Write("README", "other\n").Commit("Rewrite");
        var forced = GitCli.TryRun(clone.Path, "push", "-q", "--force", "origin", "main");
        Assert.NotEqual(0, forced.ExitCode);
        Assert.Contains("non-fast-forward", forced.Error);

        GitCli.Run(clone.Path, "push", "-q", "origin", "HEAD:refs/heads/feature");
        var deleted = GitCli.TryRun(clone.Path, "push", "-q", "origin", ":feature");
        Assert.NotEqual(0, deleted.ExitCode);

        // A branch's commit is deployable too.
        var feature = GitCli.Run(clone.Path, "rev-parse", "HEAD").Trim();
        await user.DeployAsync("kept", feature);
        await user.WaitReadyAsync("kept", feature);
        await user.DeployAsync("kept", pushed);
        await user.WaitReadyAsync("kept", pushed);
    }

    [Fact]
    public async Task OnlyTheSmartProtocolIsServed()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "dumb");
        await user.CreateFunctionAsync("smart", "static");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/git/{user.Username}/smart.git/HEAD");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user.Username}:{user.Password}")));
        using var response = await fixture.Api.Client.SendAsync(request);
        await response.AssertProblemAsync(404);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/git/{user.Username}/smart.git/git-receive-pack");
        using var wrongMethod = await fixture.Api.Client.SendAsync(put);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}
