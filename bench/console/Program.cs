using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Klusterkluck.Testing;
using Microsoft.Playwright;

// bench/console: the functions page of a user with N functions, opened in Chromium N times cold
// (a new browser context: empty cache, but signed in) and N times warm (a reload). Measures the
// time from navigation to the last row on screen, and the bytes each visit moved (HTTP bodies
// and headers as sent, plus the Blazor circuit's WebSocket frames).
if (args[0] == "flow-editor")
{
    return await FlowEditorBench.RunAsync(args[1], int.Parse(args[2]));
}
var (apiAssembly, functions, visits) = (args[0], int.Parse(args[1]), int.Parse(args[2]));
using var data = new TempFolder();
await using var api = ServiceProcess.Start(apiAssembly, new Dictionary<string, string>
{
    ["DataFolder"] = data.Path,
    ["RateLimits__Auth__PermitLimit"] = "100000",
    ["Limits__MaxFunctionsPerUser"] = functions.ToString(),
    // All of one user's workers share one sandbox user, whose process (thread) count is capped at
    // 1024 by default: about 50 .NET workers. The bench's user has more.
    ["Runtime__Local__Sandbox__Processes"] = "16384",
});
await api.WaitReadyAsync("/health", TimeSpan.FromMinutes(2));
await BenchUser.SignInAsync(api);
var http = api.Client;

var created = Stopwatch.StartNew();
for (var i = 0; i < functions; i++)
{
    (await http.PostAsJsonAsync("/api/v1/functions", new { name = $"fn-{i:D3}", kind = "static" })).EnsureSuccessStatusCode();
}
// The page is measured once every function serves, so that it shows the steady state, not deploys.
for (var ready = 0; ready < functions; await Task.Delay(1000))
{
    var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/functions");
    ready = list.EnumerateArray().Count(f => f.GetProperty("state").GetString() == "ready");
    if (created.Elapsed > TimeSpan.FromMinutes(15))
    {
        throw new TimeoutException($"only {ready} of {functions} functions got ready in 15 minutes");
    }
}
Console.WriteLine($"{functions} static functions created and ready in {created.Elapsed.TotalSeconds:F0} s");

using var playwright = await Playwright.CreateAsync();
await using var browser = await BenchUser.LaunchAsync(playwright);

// Sign in once through the provider's page; every visit after reuses the session cookie.
var signIn = await browser.NewContextAsync(new() { BaseURL = api.BaseUrl });
var signInPage = await signIn.NewPageAsync();
var signInBytes = Traffic.Watch(signInPage);
await signInPage.GotoAsync("/");
await BenchUser.FillSignInAsync(signInPage);
await LastRowAsync(signInPage);
Console.WriteLine($"sign-in, cold cache, to the functions page: {await signInBytes.TotalAsync() / 1024.0:F0} KiB");
var session = await signIn.StorageStateAsync();
await signIn.CloseAsync();

var cold = new List<double>();
var coldBytes = new List<long>();
string lastCold = "";
string lastWarm = "";
for (var i = 0; i < visits; i++)
{
    await using var context = await browser.NewContextAsync(new() { BaseURL = api.BaseUrl, StorageState = session });
    var page = await context.NewPageAsync();
    var traffic = Traffic.Watch(page);
    var watch = Stopwatch.StartNew();
    await page.GotoAsync("/");
    await LastRowAsync(page);
    cold.Add(watch.Elapsed.TotalMilliseconds);
    coldBytes.Add(await traffic.TotalAsync());
    lastCold = await DescribeAsync("a first visit", traffic);
}

var warm = new List<double>();
var warmBytes = new List<long>();
await using (var context = await browser.NewContextAsync(new() { BaseURL = api.BaseUrl, StorageState = session }))
{
    var page = await context.NewPageAsync();
    await page.GotoAsync("/");
    await LastRowAsync(page);
    for (var i = 0; i < visits; i++)
    {
        var traffic = Traffic.Watch(page);
        var watch = Stopwatch.StartNew();
        await page.ReloadAsync();
        await LastRowAsync(page);
        warm.Add(watch.Elapsed.TotalMilliseconds);
        warmBytes.Add(await traffic.TotalAsync());
        lastWarm = await DescribeAsync("a later visit", traffic);
        traffic.Stop();
    }
}

Console.WriteLine($"functions page with {functions} functions, {visits} visits each:");
Console.WriteLine($"  first visit (cold cache): first render median {Median(cold):F0} ms, max {cold.Max():F0} ms; downloads {coldBytes.Max() / 1024.0:F0} KiB");
Console.WriteLine($"  later visit (warm cache): first render median {Median(warm):F0} ms, max {warm.Max():F0} ms; downloads {warmBytes.Max() / 1024.0:F0} KiB");
Console.WriteLine(lastCold);
Console.WriteLine(lastWarm);
Console.WriteLine($"  the circuit's WebSocket extensions: {await SocketExtensionsAsync()}");
return 0;

// Whether the WebSocket's frames are compressed on the wire (permessage-deflate): the byte counts
// above are payloads as the page receives them, after any decompression.
async Task<string> SocketExtensionsAsync()
{
    await using var context = await browser.NewContextAsync(new() { BaseURL = api.BaseUrl, StorageState = session });
    var page = await context.NewPageAsync();
    var cdp = await context.NewCDPSessionAsync(page);
    var extensions = new TaskCompletionSource<string>();
    cdp.Event("Network.webSocketHandshakeResponseReceived").OnEvent += (_, e) =>
    {
        var headers = e!.Value.GetProperty("response").GetProperty("headers");
        extensions.TrySetResult(headers.TryGetProperty("Sec-WebSocket-Extensions", out var value) ? value.GetString()! : "none");
    };
    await cdp.SendAsync("Network.enable");
    await page.GotoAsync("/");
    await LastRowAsync(page);
    return await extensions.Task.WaitAsync(TimeSpan.FromSeconds(30));
}

// Read while the page's context is open: Playwright answers a request's sizes only then.
static async Task<string> DescribeAsync(string visit, Traffic traffic)
{
    var (httpBytes, socket, requests, largest) = await traffic.SplitAsync();
    return $"  {visit}: {requests} HTTP requests, {httpBytes / 1024.0:F0} KiB; the circuit's WebSocket {socket / 1024.0:F0} KiB of payload, about {traffic.SocketWireEstimate() / 1024.0:F0} KiB deflated; largest: "
        + string.Join(", ", largest.Select(l => $"{l.Path.Split('/')[^1]} {l.Bytes / 1024.0:F0} KiB"));
}

async Task LastRowAsync(IPage page) =>
    await page.Locator($"table.grid tbody tr:nth-child({functions})").WaitForAsync(new() { Timeout = 60_000 });

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
