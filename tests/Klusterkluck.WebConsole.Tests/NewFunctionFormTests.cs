using Klusterkluck.Client;
using Klusterkluck.WebConsole.Components.Functions;

namespace Klusterkluck.WebConsole.Tests;

public sealed class NewFunctionFormTests : BunitContext
{
    [Fact]
    public void SubmittingSendsWhatTheUserEntered()
    {
        NewFunction? sent = null;
        var form = Render<NewFunctionForm>(p => p.Add(f => f.OnSubmit, (NewFunction f) => sent = f));

        form.Find("#fn-name").Change("  hello  ");
        form.Find("#fn-kind").Change("static");
        form.Find("#fn-public").Change(true);
        form.Find("#fn-replicas").Change("2");
        form.Find("#fn-max").Change("4");
        form.Find("form").Submit();

        Assert.Equal(new NewFunction("hello", "static", true, 2, 4), sent);
    }

    [Fact]
    public void TheApisMessagesAppearBesideTheirFields()
    {
        var problem = Problems.Validation(("Name", "The name must be a DNS label."), ("MaxReplicas", "maxReplicas must be at least replicas."));
        var form = Render<NewFunctionForm>(p => p.Add(f => f.Problem, problem));

        Assert.Equal("The name must be a DNS label.", form.Find("#fn-name-error").TextContent);
        Assert.Equal("true", form.Find("#fn-name").GetAttribute("aria-invalid"));
        Assert.Contains("fn-name-error", form.Find("#fn-name").GetAttribute("aria-describedby"));
        Assert.Equal("maxReplicas must be at least replicas.", form.Find("#fn-max-error").TextContent);
        Assert.Empty(form.FindAll("#fn-kind-error"));
        Assert.Null(form.Find("#fn-kind").GetAttribute("aria-invalid"));
        // The fields' messages are not repeated in the summary above the button.
        Assert.Empty(form.FindAll(".problem-fields"));
    }

    [Fact]
    public void EveryInputHasALabel()
    {
        var form = Render<NewFunctionForm>();

        foreach (var input in form.FindAll("input, select"))
        {
            Assert.Single(form.FindAll($"label[for='{input.Id}']"));
        }
    }

    [Fact]
    public void TheButtonSaysWhatIsHappening()
    {
        var form = Render<NewFunctionForm>(p => p.Add(f => f.Busy, true));

        var button = form.Find("button[type=submit]");
        Assert.True(button.HasAttribute("disabled"));
        Assert.Equal("Creating…", button.TextContent);
    }
}
