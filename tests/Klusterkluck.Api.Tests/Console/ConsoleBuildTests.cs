using Klusterkluck.Api.Tests.Builds;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>A commit's build on the function's page: its log after it succeeded, and a failure's reason with the lines that explain it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleBuildTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task TheFunctionPageShowsTheBuildLogAndAFailedBuildsLastLines()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "built");
        await user.CreateFunctionAsync("padded", "nodejs");
        await user.WaitReadyAsync("padded");
        var (built, _) = await user.PushAndDeployAsync("padded", new Dictionary<string, string>
        {
            ["package.json"] = NodeBuildTests.PackageJson,
            ["package-lock.json"] = NodeBuildTests.PackageLock,
            ["index.js"] = NodeBuildTests.PaddingHandler,
        });

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password, "/functions/padded");
        var summary = browser.Page.Locator(".build-log summary");
        await Expect(summary).ToContainTextAsync($"Build of {built[..7]}: succeeded in");
        await summary.ClickAsync();
        await Expect(browser.Page.GetByLabel("Build log")).ToContainTextAsync("$ npm ci --omit=dev");

        await user.PushAndDeployAsync("padded", new Dictionary<string, string> { ["package.json"] = "{ \"broken\": " });
        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator(".deploy-failed")).ToContainTextAsync("the build failed: package.json is not valid JSON");
        await Expect(browser.Page.Locator(".deploy-failed")).ToContainTextAsync($"{built[..7]} still serves");
        await Expect(summary).ToContainTextAsync("failed");
        await Expect(browser.Page.GetByLabel("Build log")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("build-failed");
    }
}
