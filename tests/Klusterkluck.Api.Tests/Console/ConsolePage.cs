using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>A page of the console as a user drives it: by role and label, as a screen reader would find things.</summary>
public sealed partial class ConsolePage(IPage page, ApiProcess api) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    /// <summary>What the browser reported: console errors and refused scripts (CSP), for the tests to check.</summary>
    public List<string> BrowserMessages { get; } = [];

    public ApiProcess Api => api;

    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true });

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Link(string name) => Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    /// <summary>The problem the page shows (Monaco has alert regions of its own).</summary>
    public ILocator Problem => Page.Locator(".problem[role=alert]");

    public ILocator Tab(string name) => Page.GetByRole(AriaRole.Tab, new() { Name = name, Exact = true });

    /// <summary>Signs up on the provider's registration page, from the console's front door.</summary>
    public async Task RegisterAsync(string username, string password)
    {
        Watch();
        await Page.GotoAsync("/");
        await Link("Create an account").ClickAsync();
        await Field("Username").FillAsync(username);
        await Field("Email").FillAsync($"{username}@example.com");
        await Field("Password").FillAsync(password);
        await Button("Create account").ClickAsync();
        await Assertions.Expect(Heading("Functions")).ToBeVisibleAsync();
    }

    /// <summary>Signs in on the provider's sign-in page, from the console's front door.</summary>
    public async Task SignInAsync(string username, string password, string? path = null)
    {
        Watch();
        await Page.GotoAsync(path ?? "/");
        await Field("Username").FillAsync(username);
        await Field("Password").FillAsync(password);
        await Button("Sign in").ClickAsync();
        // Three redirects (the provider, /signin-oidc, the page) and a page load: on a busy two-core machine that took over 30 s once.
        await WaitForPathAsync(path ?? "/");
    }

    /// <summary>
    /// Runs an expectation; when it fails, the failure also says what the Api logged as errors, so
    /// a page that showed "Something went wrong" in CI says why.
    /// </summary>
    public async Task ExplainedAsync(Func<Task> expectation)
    {
        try
        {
            await expectation();
        }
        catch (PlaywrightException e)
        {
            var lines = Api.Output.Split('\n');
            var errors = Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith("fail:", StringComparison.Ordinal))
                .Select(i => string.Join('\n', lines.Skip(i).Take(12).TakeWhile((line, n) => n == 0 || line.StartsWith(' '))));
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe Api logged:\n{string.Join("\n", errors)}");
        }
    }

    /// <summary>
    /// Waits until the page is at <paramref name="path"/>, by polling its URL. Playwright's
    /// WaitForURLAsync twice waited out its whole timeout in CI with the page already there: it
    /// then waits for a load state, and a move within the circuit (history.pushState), or one that
    /// happened before the wait began, may never give it one. If the page never gets there, what
    /// it says instead is the failure.
    /// </summary>
    public async Task WaitForPathAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (new Uri(Page.Url).AbsolutePath != path)
        {
            if (DateTime.UtcNow > deadline)
            {
                await ScreenshotAsync($"stuck-before-{path.Replace('/', '-')}");
                var problems = await Page.Locator(".problem, .notice, .validity, .field-error").AllInnerTextsAsync();
                lock (BrowserMessages)
                {
                    Assert.Fail($"still at {Page.Url}; the page says: {string.Join(" | ", problems)}; the browser said: {string.Join(" | ", BrowserMessages)}");
                }
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The function page's deploy line reads "Ready" (the page follows the deploy live).</summary>
    public Task WaitReadyAsync(string? commit = null) =>
        Assertions.Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("^Ready") }))
            .ToContainTextAsync(commit is null ? "Ready" : commit[..7], new() { Timeout = 90_000 });

    /// <summary>Invokes the open function from its Invoke tab; returns the body the page shows.</summary>
    public async Task<string> InvokeAsync(string body)
    {
        await Tab("Invoke").ClickAsync();
        await Field("Body").FillAsync(body);
        await Button("Send").ClickAsync();
        var answer = Page.GetByLabel("Response body");
        await Assertions.Expect(answer).ToBeVisibleAsync();
        return await answer.InnerTextAsync();
    }

    /// <summary>Replaces the text of the file open in the editor, typed in as a user's paste would be.</summary>
    public async Task ReplaceEditorTextAsync(string text)
    {
        var editor = Page.Locator("#code-editor .view-lines");
        await editor.ClickAsync();
        await Page.Keyboard.PressAsync("Control+A");
        await Page.Keyboard.PressAsync("Delete");
        await Page.Keyboard.InsertTextAsync(text);
    }

    /// <summary>The text the editor shows (Monaco renders spaces as no-break spaces).</summary>
    public async Task<string> EditorTextAsync() =>
        (await Page.Locator("#code-editor .view-lines").InnerTextAsync()).Replace('\u00a0', ' ');

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ConsoleFixture.Screenshots);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleFixture.Screenshots, $"{name}.png"), FullPage = true });
    }

    private bool _watching;

    private void Watch()
    {
        if (_watching)
        {
            return;
        }
        _watching = true;
        Page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (BrowserMessages)
                {
                    BrowserMessages.Add(message.Text);
                }
            }
        };
    }

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
