using Klusterkluck.Client;
using Klusterkluck.WebConsole.Components.Functions;

namespace Klusterkluck.WebConsole.Tests;

public sealed class RevisionListTests : BunitContext
{
    private static VersionInfo Version(char digit, string message, bool deployed) =>
        new(new string(digit, 40), message, "ada", "ada@example.com", DateTimeOffset.Parse("2026-11-29T10:00:00Z"), deployed);

    private static readonly List<VersionInfo> s_history =
    [
        Version('3', "Newest, not deployed yet", false),
        Version('2', "Deployed one\n\nwith a body", true),
        Version('1', "Oldest", false),
    ];

    [Fact]
    public void NewerRevisionsDeployOlderOnesRollBackAndTheDeployedOneIsMarked()
    {
        var list = Render<RevisionList>(p => p.Add(l => l.Versions, s_history));

        var items = list.FindAll("li");
        Assert.Equal(["3333333", "2222222", "1111111"], items.Select(i => i.QuerySelector("code.sha")!.TextContent));
        Assert.Equal("Deploy 3333333", items[0].QuerySelector("button")!.GetAttribute("aria-label"));
        Assert.Null(items[1].QuerySelector("button"));
        Assert.Contains("Deployed", items[1].TextContent);
        Assert.Equal("Roll back to 1111111", items[2].QuerySelector("button")!.GetAttribute("aria-label"));
        Assert.Equal("Deployed one", items[1].QuerySelector(".message")!.TextContent);
    }

    [Fact]
    public void ClickingDeploysThatCommit()
    {
        string? deployed = null;
        var list = Render<RevisionList>(p => p.Add(l => l.Versions, s_history).Add(l => l.OnDeploy, (string sha) => deployed = sha));

        list.Find("button[aria-label='Roll back to 1111111']").Click();

        Assert.Equal(new string('1', 40), deployed);
    }

    [Fact]
    public void NoOtherDeployStartsWhileOneRuns()
    {
        var list = Render<RevisionList>(p => p.Add(l => l.Versions, s_history).Add(l => l.Busy, true));

        Assert.All(list.FindAll("button"), b => Assert.True(b.HasAttribute("disabled")));
    }

    [Fact]
    public void AnEmptyHistorySaysWhatToDo()
    {
        var list = Render<RevisionList>(p => p.Add(l => l.Versions, []));

        Assert.Contains("push a commit", list.Markup);
    }
}
