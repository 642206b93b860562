using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>What functions say (their output, their logs, their files and file names) is shown as text, never run.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSafeRenderingTests(ConsoleFixture fixture)
{
    private const string Payload = """<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"><a href="javascript:window.__xss = 3">click me</a>""";

    [Fact]
    public async Task MarkupInOutputLogsAndFilesIsShownAsText()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "xss");
        var escaped = System.Text.Json.JsonSerializer.Serialize(Payload);
        await user.CreateWithCodeAsync("evil", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = $"const payload = {escaped};\nconsole.log(payload);\nmodule.exports = async () => ({{ status: 200, headers: {{ 'content-type': 'text/html' }}, body: payload }});\n",
            ["notes.html"] = Payload,
            ["<img src=x onerror=window.__xss=4>.txt"] = "a file name with markup",
        });

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password, "/functions/evil");
        Assert.Equal(Payload, await browser.InvokeAsync("anything"));

        await browser.Tab("Logs").ClickAsync();
        await Expect(browser.Page.Locator("pre.log").First).ToContainTextAsync(Payload);

        await browser.Page.GotoAsync("/functions/evil/code");
        await Expect(browser.Button("<img src=x onerror=window.__xss=4>.txt")).ToBeVisibleAsync();
        await browser.Button("notes.html").ClickAsync();
        await Expect(browser.Page.Locator("#code-editor .view-lines")).ToContainTextAsync("click me");
        var link = browser.Page.GetByRole(AriaRole.Link, new() { Name = "click me" });
        Assert.Equal(0, await link.CountAsync());
        await browser.ScreenshotAsync("safe-rendering");

        Assert.Null(await browser.Page.EvaluateAsync<int?>("() => window.__xss ?? null"));
    }

    [Fact]
    public async Task AnotherUsersPageOnTheSameOriginCannotReachTheSession()
    {
        // Mallory's public site tries, from the console's origin, what a thief would: read the
        // victim's session cookie, and ask the provider for a code with the victim's cookies.
        using var mallory = await UserSession.StartAsync(fixture.Api, "mallory");
        await mallory.CreateWithCodeAsync("trap", "static", new Dictionary<string, string>
        {
            ["public/index.html"] = """
                <!doctype html><title>waiting</title>
                <script>
                  let cookies;
                  try { cookies = 'cookies:' + document.cookie; } catch { cookies = 'no-cookies'; }
                  fetch('/connect/authorize?client_id=klusterkluck-console&response_type=code&scope=openid&redirect_uri='
                        + encodeURIComponent(location.origin + '/signin-oidc') + '&code_challenge=' + 'x'.repeat(43) + '&code_challenge_method=S256',
                        { credentials: 'include' })
                    .then(r => { document.title = 'READ ' + r.url + ' ' + cookies; })
                    .catch(() => { document.title = 'BLOCKED ' + cookies; });
                </script>
                """,
        }, isPublic: true);
        using var victim = await UserSession.StartAsync(fixture.Api, "victim");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(victim.Username, victim.Password);
        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();
        await browser.Page.GotoAsync($"/fn/{mallory.Username}/trap/");

        await Expect(browser.Page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^(BLOCKED|READ)"));
        // An opaque origin: no cookies to read, and the provider's answer is not the page's to see.
        Assert.Equal("BLOCKED no-cookies", await browser.Page.TitleAsync());
    }
}
