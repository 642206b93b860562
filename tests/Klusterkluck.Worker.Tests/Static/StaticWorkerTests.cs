using System.Net;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Static;

public sealed class StaticWorkerTests
{
    [Fact]
    public async Task TemplateSiteIsServedWithContentTypes()
    {
        using var repo = GitRepo.FromTemplate(FunctionKind.Static);
        await using var worker = await WorkerProcess.StartReadyAsync(repo, "HEAD");

        using var index = await worker.Client.GetAsync("/");
        using var style = await worker.Client.GetAsync("/style.css");

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Hello, world!", await index.Content.ReadAsStringAsync());
        Assert.Equal("text/css", style.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task FoldersServeTheirIndexHtml()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: static\n")
            .Write("docs/index.html", "<p>docs</p>").Write("data.json", "{}").Commit("site");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        Assert.Equal("<p>docs</p>", await worker.Client.GetStringAsync("/docs/"));
        using var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = worker.Client.BaseAddress }
            .GetAsync("/docs");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("docs/", redirect.Headers.Location!.OriginalString);
        using var json = await worker.Client.GetAsync("/data.json");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        using var missing = await worker.Client.GetAsync("/nope.html");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("/../klusterkluck.yaml")]
    [InlineData("/%2e%2e/klusterkluck.yaml")]
    [InlineData("/..%2fklusterkluck.yaml")]
    [InlineData("/%2e%2e%2fklusterkluck.yaml")]
    [InlineData("/..\\klusterkluck.yaml")]
    [InlineData("/.git/config")]
    [InlineData("/.GIT/HEAD")]
    [InlineData("/link-out")]
    [InlineData("/link-to-config")]
    [InlineData("/link-to-git")]
    public async Task NothingOutsideTheRootIsServed(string target)
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: static\nroot: public\n")
            .Write("public/index.html", "home")
            .Symlink("public/link-out", "/etc/passwd")
            .Symlink("public/link-to-config", "../klusterkluck.yaml")
            .Symlink("public/link-to-git", "../.git/HEAD")
            .Commit("site with traps");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        Assert.Equal(200, await RawHttp.GetStatusAsync(worker.Port, "/index.html"));
        Assert.Equal(404, await RawHttp.GetStatusAsync(worker.Port, target));
    }

    [Fact]
    public async Task SiteAtTheRepositoryRootNeverServesGitOrItsConfig()
    {
        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: static\n").Write("index.html", "home").Commit("site at root");
        await using var worker = await WorkerProcess.StartReadyAsync(repo, sha);

        Assert.Equal(404, await RawHttp.GetStatusAsync(worker.Port, "/.git/HEAD"));
        Assert.Equal(404, await RawHttp.GetStatusAsync(worker.Port, "/.git/"));
        Assert.Equal(404, await RawHttp.GetStatusAsync(worker.Port, "/klusterkluck.yaml"));
        Assert.Equal(200, await RawHttp.GetStatusAsync(worker.Port, "/index.html"));
    }
}
