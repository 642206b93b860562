using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Klusterkluck.AppHost.Tests.Infrastructure;

namespace Klusterkluck.AppHost.Tests;

/// <summary>The platform as `dotnet run --project Klusterkluck.AppHost` starts it, driven as the README drives it.</summary>
public sealed class AppHostTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task TheReadmeTourRunsAgainstTheAppsApi()
    {
        using var api = fixture.Run.App.CreateHttpClient("api");
        using var alice = await PlatformUser.RegisterAsync(api, $"alice-{Guid.NewGuid():N}"[..14]);
        using (var whoami = await alice.Client.GetAsync("/api/v1/auth/whoami"))
        {
            Assert.Equal(alice.Username, (await whoami.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString());
        }

        var created = await alice.CreateFunctionAsync("hello", "nodejs");
        var first = created.GetProperty("deployedCommit").GetString()!;
        Assert.Equal($"{fixture.Run.BaseUrl}/fn/{alice.Username}/hello/", created.GetProperty("url").GetString());
        Assert.Equal("Hello, you!\n", await alice.Client.GetStringAsync($"/fn/{alice.Username}/hello/?name=you"));

        // git with the stock client; the password goes through a credential helper, never into the clone.
        using var work = new TempFolder();
        var gitUrl = created.GetProperty("gitUrl").GetString()!;
        GitCli.Run(work.Path, alice.Git("clone", "-q", gitUrl, "hello"));
        var clone = Path.Combine(work.Path, "hello");
        Assert.DoesNotContain(alice.Password, await File.ReadAllTextAsync(Path.Combine(clone, ".git", "config")), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(clone, "klusterkluck.yaml"), "kind: nodejs\nhandler: index.js\nenv:\n  GREETING: Bonjour\n");
        var second = GitCli.CommitAll(clone, "Say bonjour");
        GitCli.Run(clone, alice.Git("push", "-q", "origin", "main"));

        var versions = await alice.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions/hello/versions");
        Assert.Equal([second, first], versions!.Select(v => v.GetProperty("sha").GetString()));
        await alice.DeployAsync("hello", second);
        Assert.Equal("Bonjour, you!\n", await alice.Client.GetStringAsync($"/fn/{alice.Username}/hello/?name=you"));
        await alice.DeployAsync("hello", first);
        Assert.Equal("Hello, you!\n", await alice.Client.GetStringAsync($"/fn/{alice.Username}/hello/?name=you"));
    }

    [Fact]
    public async Task TheConsoleAtTheAppsAddressSendsUsersToItsProvidersSignInPage()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Run.BaseUrl) };

        using var console = await browser.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.Found, console.StatusCode);
        var authorize = console.Headers.Location!;
        Assert.StartsWith($"{fixture.Run.BaseUrl}/connect/authorize?", authorize.AbsoluteUri);
        Assert.Contains("client_id=klusterkluck-console", authorize.Query);
        Assert.Contains(Uri.EscapeDataString($"{fixture.Run.BaseUrl}/signin-oidc"), authorize.Query);

        // The provider knows the console at the app's address: it asks for the password, it does not refuse the client.
        using var provider = await browser.GetAsync(authorize);
        Assert.Equal(System.Net.HttpStatusCode.Found, provider.StatusCode);
        Assert.StartsWith("/account/login", provider.Headers.Location!.OriginalString.Replace(fixture.Run.BaseUrl, ""));
    }

    [Fact]
    public async Task TheTimerConnectorDeliversToThePublicFunctionItNames()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var ticks = 0;
        while (ticks < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var logs = await fixture.Ticker.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/tick/logs");
            // The function logs each body it gets: the timer's payload is {scheduledAt, firedAt}.
            ticks = logs.GetProperty("replicas").EnumerateArray().SelectMany(r => r.GetProperty("lines").EnumerateArray())
                .Count(l => l.GetProperty("text").GetString()!.Contains("firedAt", StringComparison.Ordinal));
        }
        Assert.True(ticks >= 2, $"{ticks} ticks arrived in 30 s");
    }

    [Fact]
    public async Task TelemetryOfTheApiAWorkerAndTheConnectorReachesTheAppsOtlpEndpoint()
    {
        // One tick is one trace: the connector's delivery, the Api's gateway, the function's worker
        // (a service named after the user's function, not after the worker's assembly).
        var user = fixture.Ticker.Username;
        var trace = await fixture.Receiver.WaitForTraceAsync(spans =>
            spans.Any(s => s.Service == "timer")
            && spans.Any(s => s.Service == "api" && s.Attributes.GetValueOrDefault("url.path") == $"/fn/{user}/tick/")
            && spans.Any(s => s.Service == $"{user}/tick" && s.Attributes.GetValueOrDefault("url.path") == "/"), TimeSpan.FromSeconds(30));
        Assert.Equal("timer", trace.Single(s => s.ParentSpanId is null).Service);
        // Metrics too: the gateway counts the function's invocations.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!fixture.Receiver.MetricExports.Any(e => System.Text.Encoding.UTF8.GetString(e).Contains("klusterkluck.function.invocations", StringComparison.Ordinal))
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Contains(fixture.Receiver.MetricExports, e => System.Text.Encoding.UTF8.GetString(e).Contains("klusterkluck.function.invocations", StringComparison.Ordinal));
    }
}
