using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Klusterkluck.Api.Tests.Flows;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>A flow built, deployed and watched without writing JSON: by dragging on the editor's canvas in real Chromium.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleFlowEditorTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AFlowIsDrawnValidatedAsItIsBuiltDeployedAndItsRunsWatched()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "drawer");
        foreach (var name in new[] { "upper", "exclaim" })
        {
            await user.CreateWithCodeAsync(name, "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions[name] });
        }

        await using var browser = await fixture.OpenAsync(1440, 900);
        await browser.SignInAsync(user.Username, user.Password, "/flows");
        await Expect(browser.Page.GetByText("You have no flows yet")).ToBeVisibleAsync();
        await browser.Link("Create your first flow").ClickAsync();
        var canvas = new FlowCanvas(browser.Page);
        await canvas.DropAsync("connector:timer", 110, 120, "timer");
        await canvas.DropAsync("function:upper", 350, 120, "upper");
        await canvas.DropAsync("function:exclaim", 590, 120, "exclaim");
        await canvas.ConnectAsync("timer", "upper");

        // Validation as it is built: exclaim hangs loose until an edge reaches it.
        await Expect(canvas.Node("exclaim")).ToHaveClassAsync(new Regex("invalid"));
        await Expect(browser.Page.Locator(".flow-problems")).ToContainTextAsync("'exclaim' is not reachable from any connector");
        await Expect(canvas.Node("upper")).Not.ToHaveClassAsync(new Regex("invalid"));
        await canvas.ConnectAsync("upper", "exclaim");
        await Expect(canvas.Node("exclaim")).Not.ToHaveClassAsync(new Regex("invalid"));
        await Expect(browser.Page.Locator(".flow-problems")).Not.ToContainTextAsync("not reachable");
        // Undo takes the edge away again, and redo brings it back.
        await browser.Button("Undo").ClickAsync();
        await Expect(canvas.Node("exclaim")).ToHaveClassAsync(new Regex("invalid"));
        await browser.Button("Redo").ClickAsync();
        await Expect(canvas.Node("exclaim")).Not.ToHaveClassAsync(new Regex("invalid"));

        // A keyboard reaches each node through the panel's list.
        await browser.Field("Node").SelectOptionAsync("upper");
        await Expect(browser.Page.Locator(".node-panel h3")).ToContainTextAsync("upper");
        await Expect(canvas.Node("upper")).ToHaveClassAsync(new Regex("selected"));

        // A setting the connector host would refuse is named at its field.
        await canvas.SelectAsync("timer");
        await canvas.SetFieldAsync("KK_TIMER_INTERVAL", "soon");
        await Expect(canvas.Node("timer")).ToHaveClassAsync(new Regex("invalid"));
        await Expect(browser.Page.Locator(".node-panel .field", new() { HasText = "KK_TIMER_INTERVAL" }).Locator(".field-error")).ToContainTextAsync("soon");
        await canvas.SetFieldAsync("KK_TIMER_INTERVAL", "1s");
        await canvas.SetFieldAsync("KK_TIMER_PAYLOAD", "tick tock");
        await Expect(canvas.Node("timer")).Not.ToHaveClassAsync(new Regex("invalid"));
        await Expect(browser.Page.Locator(".validity")).ToHaveTextAsync("Valid · not saved");
        await browser.ScreenshotAsync("flow-editor");

        await browser.Field("Name").FillAsync("ticker");
        await browser.Button("Create").ClickAsync();
        await browser.WaitForPathAsync("/flows/ticker");
        await browser.Button("Deploy").ClickAsync();
        await Expect(browser.Page.Locator(".page-head")).ToContainTextAsync("deployed");
        await Expect(browser.Page.Locator(".connectors-line")).ToContainTextAsync("running", new() { Timeout = 60_000 });

        await browser.Tab("Runs").ClickAsync();
        // Runs arrive while the tab is open, one a second.
        var succeeded = browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Table, new() { Name = "Runs" }).Locator("tr", new() { HasText = "succeeded" });
        await Expect(succeeded.Nth(1)).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await succeeded.First.GetByRole(Microsoft.Playwright.AriaRole.Link).First.ClickAsync();
        await browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { NameRegex = new Regex("^exclaim: succeeded") }).ClickAsync();
        await Expect(browser.Page.GetByLabel("Step output")).ToHaveTextAsync("TICK TOCK!");

        // The list tells the flow is deployed, its connector runs and its last run succeeded.
        await browser.Link("Flows").ClickAsync();
        var row = browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { NameRegex = new Regex("^ticker") });
        await Expect(row).ToContainTextAsync("deployed");
        await Expect(row).ToContainTextAsync("timer running");
        await Expect(row).ToContainTextAsync("succeeded");
        await browser.ScreenshotAsync("flows");

        // Back on the editor after a reload: every node where it was put.
        await browser.Page.GotoAsync("/flows/ticker");
        await Expect(canvas.Node("exclaim")).ToBeVisibleAsync();
        var timer = await canvas.Node("timer").BoundingBoxAsync();
        var exclaim = await canvas.Node("exclaim").BoundingBoxAsync();
        Assert.InRange(exclaim!.X - timer!.X, 470, 490);
        Assert.InRange(exclaim.Y - timer.Y, -10, 10);
        await user.Client.DeleteAsync("/api/v1/flows/ticker");
    }

    [Fact]
    public async Task AnIfsEdgesAreLabelledByTheirPortAndTheJsonViewStaysInStepWithTheCanvas()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "brancher");
        foreach (var name in new[] { "upper", "echo" })
        {
            await user.CreateWithCodeAsync(name, "nodejs", new Dictionary<string, string> { ["index.js"] = FlowFixture.Functions[name] });
        }
        await using var browser = await fixture.OpenAsync(1440, 900);
        await browser.SignInAsync(user.Username, user.Password, "/flows/new");
        var canvas = new FlowCanvas(browser.Page);
        await canvas.DropAsync("connector:http", 110, 200, "http");
        await canvas.DropAsync("if:", 350, 200, "if");
        await canvas.DropAsync("function:upper", 600, 110, "upper");
        await canvas.DropAsync("function:echo", 600, 300, "echo");
        await canvas.ConnectAsync("http", "if");
        await canvas.ConnectAsync("if", "upper", "true");
        await canvas.ConnectAsync("if", "echo", "false");
        await Expect(browser.Page.Locator(".diagram-link .default-link-label")).ToHaveTextAsync(["true", "false"]);
        await Expect(browser.Page.Locator(".flow-problems")).ToContainTextAsync("An if node needs a condition");
        await canvas.SelectAsync("if");
        await canvas.SetFieldAsync("Condition", "$.total > 100");
        await Expect(browser.Page.Locator(".validity")).ToHaveTextAsync("Valid · not saved");

        // The same flow as JSON: the false branch is an edge with "when": false.
        await browser.Button("JSON").ClickAsync();
        var json = browser.Field("The flow as JSON");
        var text = await json.InputValueAsync();
        Assert.Contains("\"condition\": \"$.total > 100\"", text);
        Assert.Matches(new Regex("\"from\": \"if\",\\s*\"to\": \"echo\",\\s*\"when\": false"), text);
        // Renamed in the JSON, the node is renamed on the canvas, its edges with it.
        await json.FillAsync(text.Replace("\"echo\",\n      \"kind\"", "\"quiet\",\n      \"kind\"").Replace("\"to\": \"echo\"", "\"to\": \"quiet\"")
            .Replace("\"echo\": {", "\"quiet\": {"));
        await browser.Button("Canvas").ClickAsync();
        await Expect(canvas.Node("quiet")).ToBeVisibleAsync();
        await Expect(canvas.Node("echo")).ToHaveCountAsync(0);
        await Expect(browser.Page.Locator(".validity")).ToHaveTextAsync("Valid · not saved");
        await browser.Button("Undo").ClickAsync();
        await Expect(canvas.Node("echo")).ToBeVisibleAsync();
        await browser.Button("Redo").ClickAsync();
        await Expect(canvas.Node("quiet")).ToBeVisibleAsync();

        // Moved far to the right in the JSON, quiet is off the canvas until Fit brings every node into view.
        await browser.Button("JSON").ClickAsync();
        await json.FillAsync(Regex.Replace(await json.InputValueAsync(), "\"quiet\": \\{\\s*\"x\": [0-9.-]+", "\"quiet\": { \"x\": 2600"));
        await browser.Button("Canvas").ClickAsync();
        var area = (await canvas.Canvas.BoundingBoxAsync())!;
        await Expect(canvas.Node("quiet")).Not.ToBeInViewportAsync();
        // Out of view, the canvas may not lay the node out at all (no box); when it does, the box is to the right.
        if (await canvas.Node("quiet").BoundingBoxAsync() is { } outside)
        {
            Assert.True(outside.X > area.X + area.Width);
        }
        await browser.Button("Fit").ClickAsync();
        await Expect(canvas.Node("quiet")).ToBeInViewportAsync();
        var fitted = (await canvas.Node("quiet").BoundingBoxAsync())!;
        Assert.InRange(fitted.X + fitted.Width, area.X, area.X + area.Width);
        await browser.Button("Undo").ClickAsync();
        await Expect(canvas.Node("quiet")).ToBeInViewportAsync();

        // Leaving with unsaved changes asks first; staying keeps every change.
        var asked = new TaskCompletionSource<string>();
        browser.Page.Dialog += async (_, dialog) =>
        {
            asked.TrySetResult(dialog.Message);
            await dialog.DismissAsync();
        };
        await browser.Link("Flows").ClickAsync();
        Assert.Contains("not saved", await asked.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await Expect(canvas.Node("quiet")).ToBeVisibleAsync();
        Assert.EndsWith("/flows/new", browser.Page.Url);

        await browser.Field("Name").FillAsync("gate");
        await browser.Button("Create").ClickAsync();
        await browser.WaitForPathAsync("/flows/gate");
        await Expect(canvas.Node("quiet")).ToBeVisibleAsync();
        await canvas.SelectAsync("if");
        await browser.ScreenshotAsync("flow-editor-if");
        await browser.Button("Switch between light and dark theme").ClickAsync();
        await browser.ScreenshotAsync("flow-editor-dark");
        var saved = await user.Client.GetFromJsonAsyncOk("/api/v1/flows/gate");

        // Saved meanwhile by someone else (here: the API), the flow is not overwritten by this editor's next save.
        using (var other = await user.Client.PutAsJsonAsync("/api/v1/flows/gate", new { nodes = saved.GetProperty("nodes"), edges = saved.GetProperty("edges") }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, other.StatusCode);
        }
        await canvas.SetFieldAsync("Condition", "$.total > 200");
        await browser.Button("Save").ClickAsync();
        await Expect(browser.Problem).ToContainTextAsync("The flow changed since you opened it");
        Assert.Equal("$.total > 100", (await user.Client.GetFromJsonAsyncOk("/api/v1/flows/gate")).GetProperty("nodes")[1].GetProperty("config").GetProperty("condition").GetString());
        await Expect(browser.Page.Locator(".node-panel").GetByLabel("Condition")).ToHaveValueAsync("$.total > 200");
        Assert.Contains(saved.GetProperty("edges").EnumerateArray(), e => e.GetProperty("to").GetString() == "quiet" && !e.GetProperty("when").GetBoolean());
        Assert.Equal(600 - 90, saved.GetProperty("layout").GetProperty("upper").GetProperty("x").GetDouble(), 15);
        await user.Client.DeleteAsync("/api/v1/flows/gate");
    }
}
