using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>Light and dark, a laptop and a phone, the keyboard alone: the console is usable in each.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleLookTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task TheThemeSwitchesBetweenLightAndDark()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "look");
        await user.CreateFunctionAsync("hello", "nodejs", isPublic: true);
        await user.CreateFunctionAsync("site", "static");
        await user.WaitReadyAsync("hello");
        await user.WaitReadyAsync("site");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Page.GetByRole(AriaRole.Link, new() { Name = "hello" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("functions");
        var light = await BackgroundAsync(browser.Page);

        await browser.Button("Switch between light and dark theme").ClickAsync();
        await Expect(browser.Page.Locator("body")).Not.ToHaveCSSAsync("background-color", light);
        await browser.ScreenshotAsync("functions-dark");

        // The choice is kept: the next page load is dark too.
        await browser.Page.ReloadAsync();
        await Expect(browser.Page.GetByRole(AriaRole.Link, new() { Name = "hello" })).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("body")).Not.ToHaveCSSAsync("background-color", light);
    }

    [Fact]
    public async Task APhoneShowsTheListWithoutSidewaysScrolling()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "phone");
        await user.CreateFunctionAsync("on-the-go", "nodejs");

        await using var browser = await fixture.OpenAsync(width: 390, height: 844);
        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Page.GetByRole(AriaRole.Link, new() { Name = "on-the-go" })).ToBeVisibleAsync();
        // Created a moment ago, it deploys; the list follows it to ready without a reload.
        await Expect(browser.Page.Locator("table.grid tbody tr .badge")).ToHaveTextAsync("ready", new() { Timeout = 60_000 });
        await browser.ScreenshotAsync("functions-phone");

        var overflow = await browser.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page is wider than the phone's screen");
    }

    [Fact]
    public async Task TheKeyboardAloneCreatesAFunction()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "keys");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Page.GetByText("You have no functions yet")).ToBeVisibleAsync();

        await browser.Link("New function").FocusAsync();
        await browser.Page.Keyboard.PressAsync("Enter");
        await Expect(browser.Heading("New function")).ToBeVisibleAsync();
        await browser.Field("Name").FocusAsync();
        await browser.Page.Keyboard.TypeAsync("typed");
        await browser.Page.Keyboard.PressAsync("Enter");

        await Expect(browser.Heading("typed")).ToBeVisibleAsync();
        await browser.Tab("Revisions").FocusAsync();
        await Expect(browser.Tab("Revisions")).ToBeFocusedAsync();
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
