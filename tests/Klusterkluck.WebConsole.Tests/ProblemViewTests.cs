using Klusterkluck.WebConsole.Components.Shared;

namespace Klusterkluck.WebConsole.Tests;

public sealed class ProblemViewTests : BunitContext
{
    [Fact]
    public void ShowsTheTitleTheDetailAndEachField()
    {
        var problem = Problems.Validation(("path", "path must start with /."), ("method", "method must be one of GET, POST."));
        var view = Render<ProblemView>(p => p.Add(v => v.Problem, problem));

        Assert.Equal("alert", view.Find(".problem").GetAttribute("role"));
        Assert.Equal("One or more validation errors occurred.", view.Find(".problem-title").TextContent);
        Assert.Equal(["path: path must start with /.", "method: method must be one of GET, POST."],
            view.FindAll(".problem-fields li").Select(li => li.TextContent));
    }

    [Fact]
    public void MarkupInAProblemIsText()
    {
        var view = Render<ProblemView>(p => p.Add(v => v.Problem, Problems.Of("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")));

        Assert.Empty(view.FindAll("script"));
        Assert.Empty(view.FindAll("img"));
        Assert.Equal("<script>alert(1)</script>", view.Find(".problem-title").TextContent);
        Assert.Equal("<img src=x onerror=alert(2)>", view.Find(".problem-detail").TextContent);
    }

    [Fact]
    public void NoProblemRendersNothing()
    {
        var view = Render<ProblemView>();

        Assert.Equal("", view.Markup.Trim());
    }
}
