using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Klusterkluck.Testing;
using Microsoft.Playwright;

/// <summary>What both console benchmarks do first: the bench's user registered and signed in on the API, and Debian's Chromium started.</summary>
internal static class BenchUser
{
    public const string Name = "bench";

    public const string Password = "tr0ub4dor-and-3";

    /// <summary>Registers the user and makes <paramref name="api"/>'s client call as them.</summary>
    public static async Task SignInAsync(ServiceProcess api)
    {
        var http = api.Client;
        (await http.PostAsJsonAsync("/api/v1/auth/register", new { username = Name, password = Password, email = "bench@example.com" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { username = Name, password = Password })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });

    /// <summary>Fills the provider's sign-in page, reached from <paramref name="page"/>'s current console page.</summary>
    public static async Task FillSignInAsync(IPage page)
    {
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(Name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
