using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>
/// A flow's runs in the console, as a user follows them: test events sent from the flow's page,
/// the runs list (live, filtered), and a run's page with its picture, its steps and one step's
/// input and output or dead letter. The flows are made and deployed through the REST API; the
/// console's Api runs the engine with its default settings (a retry waits a second or more), so
/// the waits are long and the attempts few.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleFlowRunTests(ConsoleFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions s_long = new() { Timeout = 60_000 };

    // Both read the order whether the worker hands them JSON parsed or as text.
    private const string Shout = "module.exports = (r) => { const o = typeof r.body === 'string' ? JSON.parse(r.body) : r.body; return `Big order of ${o.total}: someone will call you.`; };\n";
    private const string Quiet = "module.exports = (r) => { const o = typeof r.body === 'string' ? JSON.parse(r.body) : r.body; return `Small order of ${o.total}: on its way.`; };\n";
    private const string Broken = "module.exports = () => ({ status: 500, body: 'broken on purpose' });\n";

    [Fact]
    public async Task EachRunOfAnIfFlowShowsTheBranchItTookAndWhatItsStepsAnswered()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "runs");
        await user.CreateWithCodeAsync("shout", "nodejs", new Dictionary<string, string> { ["index.js"] = Shout });
        await user.CreateWithCodeAsync("quiet", "nodejs", new Dictionary<string, string> { ["index.js"] = Quiet });
        await user.CreateFlowAsync("orders",
            [Http("in"), new { id = "big", kind = "if", config = new { condition = "$.total > 100" } }, Function("shout", "shout"), Function("quiet", "quiet")],
            [Edge("in", "big"), Edge("big", "shout", true), Edge("big", "quiet", false)]);
        await user.DeployFlowAsync("orders");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password, "/flows/orders");
        await browser.Tab("Runs").ClickAsync();
        await Expect(browser.Page.GetByText("No runs yet")).ToBeVisibleAsync();
        var big = await SendTestEventAsync(browser, """{"total": 500}""");
        var small = await SendTestEventAsync(browser, """{"total": 5}""");
        // The list follows new runs without a reload.
        await Expect(RunLink(browser, big)).ToBeVisibleAsync();
        await Expect(RunLink(browser, small)).ToBeVisibleAsync();

        await RunLink(browser, big).ClickAsync();
        await Expect(browser.Heading($"Run {big}")).ToBeVisibleAsync();
        await Expect(browser.Button("shout: succeeded")).ToBeVisibleAsync(s_long);
        await Expect(browser.Button("quiet: did not run")).ToBeVisibleAsync();
        await Expect(browser.Button("big: succeeded")).ToBeVisibleAsync();
        await Expect(browser.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "big" })).ToContainTextAsync("→ true");
        await browser.Button("shout: succeeded").ClickAsync();
        await Expect(browser.Button("shout: succeeded")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(browser.Field("Step output")).ToHaveTextAsync("Big order of 500: someone will call you.");
        await Expect(browser.Field("Step input")).ToContainTextAsync("\"total\": 500");
        await browser.ScreenshotAsync("flow-run");
        await AuditAsync(browser);

        await browser.Link("Back to orders").ClickAsync();
        await browser.Tab("Runs").ClickAsync();
        await RunLink(browser, small).ClickAsync();
        await Expect(browser.Heading($"Run {small}")).ToBeVisibleAsync();
        await Expect(browser.Button("quiet: succeeded")).ToBeVisibleAsync(s_long);
        await Expect(browser.Button("shout: did not run")).ToBeVisibleAsync();
        // A step picked in the table, as in the picture.
        await browser.Page.GetByRole(AriaRole.Table, new() { Name = "Steps" }).GetByRole(AriaRole.Button, new() { Name = "quiet", Exact = true }).ClickAsync();
        await Expect(browser.Field("Step output")).ToHaveTextAsync("Small order of 5: on its way.");
        await Expect(browser.Button("quiet: succeeded")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [Fact]
    public async Task ADeadLetteredStepSaysWhyAndTheRunsListFiltersFailedRuns()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "deadrun");
        await user.CreateWithCodeAsync("broken", "nodejs", new Dictionary<string, string> { ["index.js"] = Broken });
        await user.CreateWithCodeAsync("quiet", "nodejs", new Dictionary<string, string> { ["index.js"] = Quiet });
        await user.CreateFlowAsync("fragile",
            [Http("in"), new { id = "risky", kind = "if", config = new { condition = "$.risky" } },
                Function("broken", "broken", new { attempts = 2 }), Function("fine", "quiet")],
            [Edge("in", "risky"), Edge("risky", "broken", true), Edge("risky", "fine", false)]);
        await user.DeployFlowAsync("fragile");
        var failed = await user.SendEventAsync("fragile", "in", """{"risky": true, "total": 1}""", "application/json");
        var succeeded = await user.SendEventAsync("fragile", "in", """{"risky": false, "total": 2}""", "application/json");

        await using var browser = await fixture.OpenAsync();
        await browser.SignInAsync(user.Username, user.Password, $"/flows/fragile/runs/{failed}");
        // The page follows the run while it retries, until the step is dead-lettered.
        var alert = browser.Page.Locator(".step-detail [role=alert]");
        await Expect(alert).ToContainTextAsync("Dead-lettered after 2 attempts", new() { Timeout = 60_000 });
        await Expect(alert).ToContainTextAsync("broken on purpose");
        await Expect(browser.Page.Locator(".flow-picture .node").Filter(new() { Has = browser.Button("broken: deadlettered") })).ToContainTextAsync("2 attempts");
        await Expect(browser.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "failed" })).ToBeVisibleAsync();
        await Expect(browser.Field("Step output")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("flow-run-failed");

        await user.WaitRunAsync("fragile", succeeded);
        await browser.Link("Back to fragile").ClickAsync();
        await browser.Tab("Runs").ClickAsync();
        var failedLink = RunLink(browser, Short(failed));
        var succeededLink = RunLink(browser, Short(succeeded));
        await Expect(succeededLink).ToBeVisibleAsync();
        await browser.Field("Status").SelectOptionAsync("failed");
        await Expect(succeededLink).ToHaveCountAsync(0);
        await Expect(failedLink).ToBeVisibleAsync();
        await Expect(browser.Page.GetByRole(AriaRole.Row).Filter(new() { Has = browser.Page.GetByRole(AriaRole.Link, new() { Name = Short(failed), Exact = true }) })).ToContainTextAsync("failed");
        await browser.Field("Status").SelectOptionAsync("succeeded");
        await Expect(failedLink).ToHaveCountAsync(0);
        await Expect(succeededLink).ToBeVisibleAsync();
    }

    /// <summary>Sends a JSON event from the flow's "Send test event" panel; returns the short id of its run, as the page says it.</summary>
    private static async Task<string> SendTestEventAsync(ConsolePage browser, string json)
    {
        var sent = browser.Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("^Run [0-9a-f]{8} started$") });
        var before = await sent.CountAsync() > 0 ? await sent.InnerTextAsync() : null;
        await browser.Field("Connector").SelectOptionAsync("in");
        await browser.Field("Content type").SelectOptionAsync("application/json");
        await browser.Field("Event body").FillAsync(json);
        await browser.Button("Send test event").ClickAsync();
        if (before is not null)
        {
            await Expect(sent).Not.ToHaveTextAsync(before);
        }
        await Expect(sent).ToBeVisibleAsync();
        return (await sent.InnerTextAsync()).Split(' ')[1];
    }

    /// <summary>A run's link in the runs list (the panel's "Run … started" has one too).</summary>
    private static ILocator RunLink(ConsolePage browser, string run) =>
        browser.Page.GetByRole(AriaRole.Table, new() { Name = "Runs" }).GetByRole(AriaRole.Link, new() { Name = run, Exact = true });

    private static string Short(Guid run) => run.ToString("N")[..8];

    private static async Task AuditAsync(ConsolePage browser)
    {
        var result = await browser.Page.RunAxe();
        Assert.True(result.Violations.Length == 0, string.Join("\n",
            result.Violations.Select(v => $"{v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Select(n => n.Html).Take(3))}")));
    }
}
