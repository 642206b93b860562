using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>axe-core, the engine behind browsers' accessibility audits, finds nothing on any page, in light or dark.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleAccessibilityTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task EveryPagePassesAxe()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "axe");
        await user.CreateFunctionAsync("hello", "nodejs");
        await user.WaitReadyAsync("hello");
        await using var browser = await fixture.OpenAsync();
        var findings = new List<string>();

        await browser.Page.GotoAsync("/");
        await Expect(browser.Field("Username")).ToBeVisibleAsync();
        await AuditAsync(browser, "sign-in", findings);
        await browser.Link("Create an account").ClickAsync();
        await AuditAsync(browser, "register", findings);

        await browser.SignInAsync(user.Username, user.Password);
        await Expect(browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "hello" })).ToBeVisibleAsync();
        await AuditAsync(browser, "functions", findings);

        await browser.Page.GotoAsync("/functions/new");
        await browser.Button("Create").ClickAsync();
        await Expect(browser.Problem).ToBeVisibleAsync();
        await AuditAsync(browser, "new function with errors", findings);

        await browser.Page.GotoAsync("/functions/hello");
        await browser.WaitReadyAsync();
        await AuditAsync(browser, "revisions", findings);
        await browser.InvokeAsync("axe");
        await AuditAsync(browser, "invoke", findings);
        await browser.Tab("Logs").ClickAsync();
        await AuditAsync(browser, "logs", findings);

        await browser.Page.GotoAsync("/functions/hello/code");
        await browser.ExplainedAsync(() => Expect(browser.Page.Locator("#code-editor .view-lines")).ToContainTextAsync("module.exports"));
        await AuditAsync(browser, "editor", findings);

        await browser.Button("Switch between light and dark theme").ClickAsync();
        await browser.Page.GotoAsync("/functions/hello");
        await browser.WaitReadyAsync();
        await AuditAsync(browser, "revisions, dark", findings);

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public async Task TheFlowPagesPassAxe()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "axeflow");
        await user.CreateFunctionAsync("hello", "nodejs");
        await user.CreateFlowAsync("greet", [FlowClient.Connector("tick", "timer", ("KK_TIMER_INTERVAL", "1h"), ("KK_TIMER_PAYLOAD", "hi")),
            FlowClient.Function("say", "hello"), new { id = "gate", kind = "if", config = new { condition = "$.n > 1" } },
            FlowClient.Function("after", "hello")],
            [FlowClient.Edge("tick", "say"), FlowClient.Edge("say", "gate"), FlowClient.Edge("gate", "after", when: false)]);
        await using var browser = await fixture.OpenAsync();
        var findings = new List<string>();
        await browser.SignInAsync(user.Username, user.Password, "/flows");
        await Expect(browser.Link("greet")).ToBeVisibleAsync();
        await AuditAsync(browser, "flows", findings);

        await browser.Page.GotoAsync("/flows/greet");
        var canvas = new FlowCanvas(browser.Page);
        await canvas.SelectAsync("tick");
        await AuditAsync(browser, "flow editor, a connector selected", findings);
        await canvas.SelectAsync("gate");
        await AuditAsync(browser, "flow editor, an if selected", findings);
        await browser.Button("JSON").ClickAsync();
        await AuditAsync(browser, "flow as JSON", findings);
        await browser.Tab("Runs").ClickAsync();
        await AuditAsync(browser, "flow runs", findings);

        await browser.Page.GotoAsync("/flows/new");
        await Expect(browser.Heading("New flow")).ToBeVisibleAsync();
        await Expect(browser.Page.Locator(".palette-item").First).ToBeVisibleAsync();
        await AuditAsync(browser, "new flow", findings);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    private static async Task AuditAsync(ConsolePage browser, string page, List<string> findings)
    {
        // Monaco's own editor and status region are its makers' to answer for; everything around them is ours.
        var result = await browser.Page.RunAxe(new AxeRunContext { Exclude = [new AxeSelector(".monaco-editor"), new AxeSelector(".monaco-status")] });
        Assert.NotEmpty(result.Passes);
        findings.AddRange(result.Violations.Select(v => $"{page}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Select(n => n.Html).Take(3))}"));
    }
}
