using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>Another user's functions do not exist in the console, as in the API.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleIsolationTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AnotherUsersFunctionIsNotFoundAndTheirListIsEmpty()
    {
        using var owner = await UserSession.StartAsync(fixture.Api, "owner");
        await owner.CreateFunctionAsync("secret-fn", "nodejs");
        using var other = await UserSession.StartAsync(fixture.Api, "other");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(other.Username, other.Password);
        await Expect(browser.Page.GetByText("You have no functions yet")).ToBeVisibleAsync();

        await browser.Page.GotoAsync("/functions/secret-fn");
        await Expect(browser.Problem).ToContainTextAsync("Unknown function");
        await Expect(browser.Tab("Invoke")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("function-not-found");

        await browser.Page.GotoAsync("/functions/secret-fn/code");
        await Expect(browser.Problem).ToContainTextAsync("Unknown function");
        await Expect(browser.Page.Locator(".files li")).ToHaveCountAsync(0);
    }
}
