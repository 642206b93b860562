using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>The console's session: a protected cookie that only the console honours, ended at the provider on sign-out.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSessionTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndSameSite()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "cookie");
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();

        var cookies = await browser.Page.Context.CookiesAsync();
        var session = cookies.Where(c => c.Name.StartsWith("kk.console", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(session);
        Assert.All(session, c =>
        {
            Assert.True(c.HttpOnly, $"{c.Name} is readable by scripts");
            Assert.Equal(SameSiteAttribute.Lax, c.SameSite);
        });
        Assert.All(cookies, c => Assert.True(c.HttpOnly, $"{c.Name} is readable by scripts"));
    }

    [Fact]
    public async Task TheRestApiIgnoresTheConsoleCookie()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "csrf");
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();

        // The browser sends its cookies along, as a page of another site would make it do.
        var answer = await browser.Page.APIRequest.PostAsync("/api/v1/functions", new() { DataObject = new { name = "forged", kind = "exec" } });
        Assert.Equal((int)HttpStatusCode.Unauthorized, answer.Status);
        var signOut = await browser.Page.APIRequest.PostAsync("/console/sign-out", new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, signOut.Status);
        await browser.Page.ReloadAsync();
        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SigningOutEndsTheProvidersSessionToo()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "bye");
        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();
        var copied = await browser.Page.Context.CookiesAsync();

        await browser.Button("Sign out").ClickAsync();
        await Expect(browser.Page.GetByText("You are signed out.")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("signed-out");

        // A copy of the cookies taken before (another tab's, a thief's) does not bring the session back.
        await using (var copy = await fixture.OpenAsync())
        {
            await copy.Page.Context.AddCookiesAsync(copied.Select(c => new Microsoft.Playwright.Cookie
            {
                Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite,
            }));
            await copy.Page.GotoAsync("/");
            await Expect(copy.Field("Password")).ToBeVisibleAsync();
        }
        await browser.Link("Sign in").ClickAsync();

        // Not signed back in silently: the provider asks for the password again.
        await Expect(browser.Field("Password")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("sign-in");
    }

    [Fact]
    public async Task ShortLivedTokensAreRefreshedAndTheSessionOutlivesARestart()
    {
        using var data = new TempFolder();
        var port = ServiceProcess.FreePort();
        // Every token is within a minute of expiring, so every page load and every call refreshes it.
        var environment = new Dictionary<string, string> { ["Identity__AccessTokenLifetime"] = "00:00:30" };
        var api = await ApiProcess.StartAsync(data.Path, environment, port);
        try
        {
            using var user = await UserSession.StartAsync(api, "refresh");
            await using var browser = await fixture.OpenAsync(api);
            await browser.SignInAsync(user.Username, user.Password);
            for (var i = 0; i < 3; i++)
            {
                await browser.Page.ReloadAsync();
                await Expect(browser.Page.GetByText("You have no functions yet")).ToBeVisibleAsync();
            }
            await browser.Link("New function").ClickAsync();
            await browser.Field("Name").FillAsync("after-refresh");
            await browser.Button("Create").ClickAsync();
            await Expect(browser.Heading("after-refresh")).ToBeVisibleAsync();

            await api.DisposeAsync();
            api = await ApiProcess.StartAsync(data.Path, environment, port);
            await browser.Page.GotoAsync("/");
            await Expect(browser.Page.GetByRole(AriaRole.Link, new() { Name = "after-refresh" })).ToBeVisibleAsync();
        }
        finally
        {
            await api.DisposeAsync();
        }
    }
}
