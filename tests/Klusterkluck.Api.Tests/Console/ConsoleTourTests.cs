using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>
/// The whole tour a new user takes in a real browser against a real Api: register, create a
/// function, see it become ready, invoke it, change its code in the editor, deploy, roll back, delete.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTourTests(ConsoleFixture fixture)
{
    private const string Password = "tr0ub4dor-and-3";

    [Fact]
    public async Task ANewUserTakesTheWholeTour()
    {
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        var username = $"tour-{Guid.NewGuid():N}"[..17];

        await browser.RegisterAsync(username, Password);
        await Expect(page.GetByText("You have no functions yet")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("functions-empty");

        await browser.Link("Create your first function").ClickAsync();
        await browser.Field("Name").FillAsync("Not A Name");
        await browser.Button("Create").ClickAsync();
        await Expect(page.Locator("#fn-name-error")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("new-function-errors");
        await browser.Field("Name").FillAsync("hello");
        await browser.Field("Kind").SelectOptionAsync("nodejs");
        await browser.Button("Create").ClickAsync();
        await Expect(browser.Heading("hello")).ToBeVisibleAsync();
        await browser.WaitReadyAsync();
        var first = (await page.Locator(".revisions li.deployed code.sha").InnerTextAsync()).Trim();
        await browser.ScreenshotAsync("function");

        Assert.Equal("Hello, console!\n", await browser.InvokeAsync("console"));
        await browser.ScreenshotAsync("function-invoke");

        await browser.Link("Edit code").ClickAsync();
        await Expect(page.Locator("#code-editor .view-lines")).ToContainTextAsync("module.exports");
        await browser.ReplaceEditorTextAsync("module.exports = async (request) => `Hi there, ${request.body}!`;\n");
        await browser.Field("Commit message").FillAsync("Greet differently");
        await Expect(browser.Field("Deploy after commit")).ToBeCheckedAsync();
        await browser.ScreenshotAsync("editor");
        await browser.Button("Commit").ClickAsync();

        await Expect(browser.Heading("hello")).ToBeVisibleAsync();
        await Expect(page.Locator(".revisions li").First).ToContainTextAsync("Greet differently");
        await browser.WaitReadyAsync();
        Assert.Equal("Hi there, again!", await browser.InvokeAsync("again"));

        await browser.Tab("Revisions").ClickAsync();
        await browser.Button($"Roll back to {first}").ClickAsync();
        await Expect(page.Locator(".revisions li.deployed code.sha")).ToHaveTextAsync(first, new() { Timeout = 90_000 });
        await browser.WaitReadyAsync();
        Assert.Equal("Hello, back!\n", await browser.InvokeAsync("back"));

        await browser.Tab("Logs").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Replica 0" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("function-logs");

        await browser.Button("Delete").ClickAsync();
        await browser.Button("Delete hello").ClickAsync();
        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();
        await Expect(page.GetByText("You have no functions yet")).ToBeVisibleAsync();

        await browser.Button("Sign out").ClickAsync();
        await Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Expect(browser.Field("Password")).ToBeVisibleAsync();
        Assert.DoesNotMatch(new Regex("Refused|Content Security Policy"), string.Join("\n", browser.BrowserMessages));
    }
}
