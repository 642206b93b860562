using Klusterkluck.Testing.Otlp;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Observability;

/// <summary>With an OTLP endpoint set, one request is one trace across the processes it passes through.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task AnInvocationThroughTheGatewayIsOneTraceSpanningApiWorkerAndFunction()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, receiver.Environment);
        using var user = await UserSession.StartAsync(api, "traced");
        var sha = await user.CreateWithCodeAsync("node", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.headers.traceparent;\n" });
        await user.CreateWithCodeAsync("shell", "exec", new Dictionary<string, string> { ["handler.sh"] = "#!/bin/sh\nprintf '%s' \"$Http_Traceparent\"\n" });

        // The push and the deploy it led to are spans too, with the user, the function and the commit.
        var deploy = await receiver.WaitForTraceAsync(spans => spans.Any(s => s.Scope == "Klusterkluck.Runtime" && s.Name == $"deploy {user.Username}/node"
            && s.Attributes.GetValueOrDefault("klusterkluck.commit") == sha), TimeSpan.FromSeconds(30));
        Assert.Equal("ready", deploy.Single(s => s.Scope == "Klusterkluck.Runtime").Attributes["klusterkluck.deploy.outcome"]);
        await receiver.WaitForTraceAsync(spans => spans.Any(s => s.Scope == "Klusterkluck.Git" && s.Name == "git push"
            && s.Attributes.GetValueOrDefault("klusterkluck.user") == user.Username), TimeSpan.FromSeconds(30));

        var fromNode = await user.CallTextAsync("node");
        var fromExec = await user.CallTextAsync("shell");

        foreach (var (function, traceparent) in new[] { ("node", fromNode), ("shell", fromExec) })
        {
            // Spans arrive as each process exports them: wait for the worker's server span, under one of the
            // Api's (the gateway's hop to it, not a trace of its own).
            var trace = await receiver.WaitForTraceAsync(spans =>
                spans.Any(s => s.Service == "Klusterkluck.Api" && s.Attributes.GetValueOrDefault("url.path") == $"/fn/{user.Username}/{function}/")
                && spans.Any(s => s.Service == $"{user.Username}/{function}" && spans.Any(parent => parent.Service == "Klusterkluck.Api" && parent.SpanId == s.ParentSpanId)),
                TimeSpan.FromSeconds(30));
            var gateway = trace.Single(s => s.ParentSpanId is null);
            Assert.Equal("Klusterkluck.Api", gateway.Service);
            // Named by its route, and it says which user's function it reached.
            Assert.Equal("GET /fn/{user}/{function}/{**path}", gateway.Name);
            Assert.Equal(user.Username, gateway.Attributes["klusterkluck.user"]);
            Assert.Equal(function, gateway.Attributes["klusterkluck.function"]);
            // The function's process gets the trace too: a traceparent header (nodejs), Http_Traceparent (exec).
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceparent);
            Assert.Equal(gateway.TraceId, traceparent.Split('-')[1]);
        }
    }

    [Fact]
    public async Task AFlowEventIsOneTraceFromTheConnectorThroughTheEngineIntoTheFunctions()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, receiver.Environment);
        using var user = await UserSession.StartAsync(api, "traced");
        await user.CreateWithCodeAsync("shout", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.body.toUpperCase();\n" });
        await user.CreateFlowAsync("traced", [Http("web"), Function("a", "shout"), Function("b", "shout")],
            [Edge("web", "a"), Edge("a", "b")]);
        await user.DeployFlowAsync("traced");

        Assert.Equal(System.Net.HttpStatusCode.Accepted, await PostToConnectorAsync($"{await user.ConnectorUrlAsync("traced", "web")}/", "hi"));
        await user.WaitForRunAsync("traced", r => r.GetProperty("status").GetString() == "succeeded");

        var trace = await receiver.WaitForTraceAsync(spans =>
            spans.Any(s => s.Service == $"{user.Username}/traced/web")
            && spans.Any(s => s.Service == "Klusterkluck.Api" && s.Attributes.GetValueOrDefault("url.path")?.StartsWith("/events/", StringComparison.Ordinal) == true)
            && spans.Any(s => s.Name.StartsWith("flow run", StringComparison.Ordinal))
            && spans.Count(s => s.Scope == "Klusterkluck.Flows" && s.Name.StartsWith("flow step", StringComparison.Ordinal)) == 2
            && spans.Count(s => s.Service == $"{user.Username}/shout" && s.Attributes.ContainsKey("url.path")) >= 2, TimeSpan.FromSeconds(30));
        var root = trace.Single(s => s.ParentSpanId is null);
        // Each child process is a service named after what it runs: the flow's node, the user's function.
        Assert.Equal($"{user.Username}/traced/web", root.Service);
        var steps = trace.Where(s => s.Scope == "Klusterkluck.Flows" && s.Name.StartsWith("flow step", StringComparison.Ordinal)).ToList();
        var run = trace.Single(s => s.Name == $"flow run {user.Username}/traced");
        Assert.Equal(["a", "b"], steps.Select(s => s.Attributes["klusterkluck.flow.node"]).Order());
        Assert.All(steps, s => Assert.Equal("traced", s.Attributes["klusterkluck.flow"]));
        Assert.All(steps, s => Assert.Equal("shout", s.Attributes["klusterkluck.function"]));
        // Each step's call reaches the worker inside the step's span.
        var spanIds = trace.ToDictionary(s => s.SpanId);
        Assert.All(steps, step => Assert.Contains(trace, s => s.Service == $"{user.Username}/shout" && IsUnder(s, step)));
        // The steps hang under the run, and the run under the event's request from the connector.
        Assert.All(steps, step => Assert.True(IsUnder(step, run)));
        Assert.True(IsUnder(run, root));

        bool IsUnder(ReceivedSpan span, ReceivedSpan ancestor)
        {
            for (var current = span; current.ParentSpanId is { } parent && spanIds.TryGetValue(parent, out var next); current = next)
            {
                if (next.SpanId == ancestor.SpanId)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
