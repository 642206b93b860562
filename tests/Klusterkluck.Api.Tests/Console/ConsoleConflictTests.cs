using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>A commit on a revision that is no longer the head is refused, and the user's text stays in the editor.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleConflictTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AStaleCommitShowsTheConflictAndKeepsTheText()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "stale");
        await user.CreateFunctionAsync("busy", "nodejs");
        await user.WaitReadyAsync("busy");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password, "/functions/busy/code");
        await Expect(browser.Page.Locator("#code-editor .view-lines")).ToContainTextAsync("module.exports");

        using (var clone = Clone.Of(user, "busy"))
        {
            clone.Write("index.js", "module.exports = async () => 'pushed meanwhile';\n");
            clone.CommitAndPush("Someone else's change");
        }

        await browser.ReplaceEditorTextAsync("module.exports = async () => 'my precious change';\n");
        await browser.Field("Commit message").FillAsync("Mine");
        await browser.Button("Commit").ClickAsync();

        await Expect(browser.Problem).ToContainTextAsync("changed");
        Assert.Contains("my precious change", await browser.EditorTextAsync());
        Assert.Equal("Mine", await browser.Field("Commit message").InputValueAsync());
        await browser.ScreenshotAsync("editor-conflict");
    }
}
