using System.Diagnostics;
using System.Net.Http.Json;
using Klusterkluck.Testing;
using Microsoft.Playwright;

/// <summary>
/// bench/console/flow-editor.sh: a flow of 50 nodes (an http connector feeding seven chains of
/// seven function nodes) opened in the editor, in Chromium: the time from navigation until every
/// node and every edge is drawn, then how quickly the canvas answers a click (the side panel shows
/// the node), a drag (the node is where the pointer left it) and an undo (it is back).
/// </summary>
internal static class FlowEditorBench
{
    private const int Rows = 7, Columns = 7;

    public static async Task<int> RunAsync(string apiAssembly, int visits)
    {
        using var data = new TempFolder();
        await using var api = ServiceProcess.Start(apiAssembly, new Dictionary<string, string>
        {
            ["DataFolder"] = data.Path,
            ["RateLimits__Auth__PermitLimit"] = "100000",
        });
        await api.WaitReadyAsync("/health", TimeSpan.FromMinutes(2));
        await BenchUser.SignInAsync(api);
        var http = api.Client;
        (await http.PostAsJsonAsync("/api/v1/functions", new { name = "step", kind = "static" })).EnsureSuccessStatusCode();

        var nodes = new List<object> { new { id = "in", kind = "connector", @ref = "http" } };
        var edges = new List<object>();
        var layout = new Dictionary<string, object> { ["in"] = new { x = 40, y = 40 + (Rows / 2) * 104 } };
        for (var row = 0; row < Rows; row++)
        {
            for (var column = 0; column < Columns; column++)
            {
                var id = $"s{row}-{column}";
                nodes.Add(new { id, kind = "function", @ref = "step" });
                edges.Add(new { from = column == 0 ? "in" : $"s{row}-{column - 1}", to = id });
                layout[id] = new { x = 40 + (column + 1) * 260, y = 40 + row * 104 };
            }
        }
        var created = await http.PostAsJsonAsync("/api/v1/flows", new { name = "big", nodes, edges, layout });
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the flow was refused: {await created.Content.ReadAsStringAsync()}");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchUser.LaunchAsync(playwright);
        var signIn = await browser.NewContextAsync(new() { BaseURL = api.BaseUrl });
        var signInPage = await signIn.NewPageAsync();
        await signInPage.GotoAsync("/flows");
        await BenchUser.FillSignInAsync(signInPage);
        await signInPage.GetByRole(AriaRole.Link, new() { Name = "big", Exact = true }).WaitForAsync(new() { Timeout = 60_000 });
        var session = await signIn.StorageStateAsync();
        await signIn.CloseAsync();

        List<double> open = [], select = [], drag = [], undo = [];
        for (var visit = 0; visit < visits; visit++)
        {
            await using var context = await browser.NewContextAsync(new()
            {
                BaseURL = api.BaseUrl,
                StorageState = session,
                ViewportSize = new() { Width = 1600, Height = 1000 },
            });
            var page = await context.NewPageAsync();
            var watch = Stopwatch.StartNew();
            await page.GotoAsync("/flows/big");
            await page.WaitForFunctionAsync(
                "([n, e]) => document.querySelectorAll('.flow-node').length === n && document.querySelectorAll('.diagram-link > path[d]').length >= e",
                new object[] { nodes.Count, edges.Count }, new() { Timeout = 60_000, PollingInterval = 5 });
            open.Add(watch.Elapsed.TotalMilliseconds);

            var node = page.Locator(".flow-node[data-node='s3-1']");
            watch.Restart();
            await node.Locator(".flow-node-id").ClickAsync();
            await page.Locator(".node-panel h3", new() { HasText = "s3-1" }).WaitForAsync();
            select.Add(watch.Elapsed.TotalMilliseconds);

            var before = (await node.BoundingBoxAsync())!;
            watch.Restart();
            await page.Mouse.MoveAsync(before.X + 60, before.Y + 20);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(before.X + 60, before.Y + 80, new() { Steps = 10 });
            await page.Mouse.UpAsync();
            await UntilAsync(node, y => y >= before.Y + 55);
            drag.Add(watch.Elapsed.TotalMilliseconds);

            var undoButton = page.GetByRole(AriaRole.Button, new() { Name = "Undo", Exact = true });
            await undoButton.WaitForAsync();
            await page.WaitForFunctionAsync("() => !document.querySelector('.flow-toolbar button[aria-keyshortcuts=\"Control+Z\"]').disabled",
                null, new() { PollingInterval = 5 });
            watch.Restart();
            await undoButton.ClickAsync();
            await UntilAsync(node, y => Math.Abs(y - before.Y) < 2);
            undo.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"flow editor, a flow of {nodes.Count} nodes and {edges.Count} edges, {visits} visits (each a new browser context, signed in):");
        Console.WriteLine($"  open until every node and edge is drawn: median {Median(open):F0} ms, max {open.Max():F0} ms");
        Console.WriteLine($"  click a node until its panel shows: median {Median(select):F0} ms, max {select.Max():F0} ms");
        Console.WriteLine($"  drag a node 60 px (ten pointer moves) until it is there: median {Median(drag):F0} ms, max {drag.Max():F0} ms");
        Console.WriteLine($"  undo the move until it is back: median {Median(undo):F0} ms, max {undo.Max():F0} ms");
        return 0;
    }

    /// <summary>Reads the node's place every few milliseconds (for 30 s at most) until it is where it should be.</summary>
    private static async Task UntilAsync(ILocator node, Func<float, bool> there)
    {
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(5))
        {
            if ((await node.BoundingBoxAsync()) is { } box && there(box.Y))
            {
                return;
            }
        }
        throw new TimeoutException("the node did not get where it was moved");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
