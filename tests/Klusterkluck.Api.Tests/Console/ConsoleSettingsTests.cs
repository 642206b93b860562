using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>A function's scale settings and throttle changed in the console's Settings tab, and its Usage tab, in a real browser against a real Api.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSettingsTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AFunctionIsScaledToZeroFromItsSettingsAndItsNextCallWakesIt()
    {
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await CreateReadyAsync(browser, "set", "napper");

        await browser.Tab("Settings").ClickAsync();
        await Expect(browser.Field("Min replicas")).ToHaveValueAsync("1");
        await browser.Field("Min replicas").FillAsync("-1");
        await browser.Button("Save settings").ClickAsync();
        await Expect(page.Locator("#set-min-error")).ToBeVisibleAsync();
        await browser.Field("Min replicas").FillAsync("0");
        await browser.Field("Idle timeout (seconds)").FillAsync("1");
        await browser.Button("Save settings").ClickAsync();
        await Expect(page.GetByText("Saved. The function redeploys with these settings")).ToBeVisibleAsync();
        await Expect(page.Locator("#set-min-error")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("function-settings");

        // Idle after a second: the page says so once read again.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await page.Locator(".page-head .badge").InnerTextAsync() != "idle")
        {
            Assert.True(DateTime.UtcNow < deadline, "the function never showed idle");
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        await Expect(page.Locator(".facts")).ToContainTextAsync("scaled to zero");
        await Expect(page.Locator(".facts")).ToContainTextAsync("0 ready of 0 (min 0)");

        Assert.Equal("Hello, awake!\n", await browser.InvokeAsync("awake"));
        await page.ReloadAsync();
        await Expect(page.Locator(".facts")).ToContainTextAsync("a request arrived: started 1 replica");
    }

    [Fact]
    public async Task AThrottleSetInTheSettingsTabRefusesTheCallOverIt()
    {
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await CreateReadyAsync(browser, "thr", "guarded");

        await browser.Tab("Settings").ClickAsync();
        await Expect(browser.Field("Window (seconds)")).ToHaveValueAsync("1");
        await browser.Field("Rate limit (requests)").FillAsync("-1");
        await browser.Button("Save settings").ClickAsync();
        await Expect(page.Locator("#set-rate-error")).ToBeVisibleAsync();
        await browser.Field("Rate limit (requests)").FillAsync("1");
        await browser.Field("Window (seconds)").FillAsync("600");
        await browser.Field("Max requests at once").FillAsync("4");
        await browser.Button("Save settings").ClickAsync();
        await Expect(page.GetByText("a throttle holds at once")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("function-throttle");

        Assert.Equal("Hello, first!\n", await browser.InvokeAsync("first"));
        await browser.Button("Send").ClickAsync();
        await Expect(page.GetByText("Too many requests")).ToBeVisibleAsync();
        await Expect(page.GetByText("at most 1 requests per 600 s")).ToBeVisibleAsync();

        // The Usage tab counts the call that got through and the one refused (the counts reach the store each second).
        await browser.Tab("Usage").ClickAsync();
        var totals = page.Locator(".usage-totals dd");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await totals.Nth(2).InnerTextAsync() != "1" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(300);
            await browser.Button("Refresh").ClickAsync();
        }
        await Expect(totals.Nth(0)).ToHaveTextAsync("1");
        await Expect(totals.Nth(2)).ToHaveTextAsync("1");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Usage per period" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("function-usage");

        // Read back after a reload: what was saved is what the fields show.
        await page.ReloadAsync();
        await browser.Tab("Settings").ClickAsync();
        await Expect(browser.Field("Rate limit (requests)")).ToHaveValueAsync("1");
        await Expect(browser.Field("Window (seconds)")).ToHaveValueAsync("600");
        await Expect(browser.Field("Max requests at once")).ToHaveValueAsync("4");
    }

    /// <summary>A new user, signed in, with a nodejs function from the console's form that serves; its page open.</summary>
    private static async Task CreateReadyAsync(ConsolePage browser, string userPrefix, string function)
    {
        await browser.RegisterAsync($"{userPrefix}-{Guid.NewGuid():N}"[..16], "tr0ub4dor-and-3");
        await browser.Page.GotoAsync("/functions/new");
        await browser.Field("Name").FillAsync(function);
        await browser.Button("Create").ClickAsync();
        await Expect(browser.Heading(function)).ToBeVisibleAsync();
        await browser.WaitReadyAsync();
    }
}
