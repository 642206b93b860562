using System.Reflection;
using Microsoft.Playwright;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>
/// One real Api and one headless Chromium (Debian's, not a download) shared by the browser tests,
/// which run one after another (two cores); each test opens its own browser context (its own
/// cookies) and registers its own user.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}

public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly string s_repositoryRoot = typeof(ConsoleFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private readonly TempFolder _data = new();
    private IPlaywright? _playwright;

    public ApiProcess Api { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where each page's screenshot goes: with the test results, for people to look at.</summary>
    public static string Screenshots { get; } = Path.Combine(s_repositoryRoot, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        // An expectation waits up to 15 s, not Playwright's 5: on two busy cores a page's first call
        // (the connector catalog is read by starting the connector host, say) can take longer.
        Assertions.SetDefaultExpectTimeout(15_000);
        Api = await ApiProcess.StartAsync(_data.Path);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A fresh browser context (no cookies) on the Api, at a laptop's size unless told otherwise.</summary>
    public Task<ConsolePage> OpenAsync(int width = 1280, int height = 800, ColorScheme scheme = ColorScheme.Light) =>
        OpenAsync(Api, width, height, scheme);

    /// <summary>A fresh browser context on another Api (one with another provider, say).</summary>
    public async Task<ConsolePage> OpenAsync(ApiProcess api, int width = 1280, int height = 800, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = api.BaseUrl,
            ViewportSize = new() { Width = width, Height = height },
            ColorScheme = scheme,
        });
        context.SetDefaultTimeout(30_000);
        return new ConsolePage(await context.NewPageAsync(), api);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Api.DisposeAsync();
        _data.Dispose();
    }
}
