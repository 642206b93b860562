using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>A function's scale settings changed in the console's Settings tab, in a real browser against a real Api.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSettingsTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AFunctionIsScaledToZeroFromItsSettingsAndItsNextCallWakesIt()
    {
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await browser.RegisterAsync($"set-{Guid.NewGuid():N}"[..16], "tr0ub4dor-and-3");
        await page.GotoAsync("/functions/new");
        await browser.Field("Name").FillAsync("napper");
        await browser.Button("Create").ClickAsync();
        await Expect(browser.Heading("napper")).ToBeVisibleAsync();
        await browser.WaitReadyAsync();

        await browser.Tab("Settings").ClickAsync();
        await Expect(browser.Field("Min replicas")).ToHaveValueAsync("1");
        await browser.Field("Min replicas").FillAsync("-1");
        await browser.Button("Save settings").ClickAsync();
        await Expect(page.Locator("#set-min-error")).ToBeVisibleAsync();
        await browser.Field("Min replicas").FillAsync("0");
        await browser.Field("Idle timeout (seconds)").FillAsync("1");
        await browser.Button("Save settings").ClickAsync();
        await Expect(page.GetByText("Saved. The function redeploys with these settings.")).ToBeVisibleAsync();
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
}
