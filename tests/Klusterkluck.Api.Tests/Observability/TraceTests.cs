using Klusterkluck.Testing.Otlp;

namespace Klusterkluck.Api.Tests.Observability;

/// <summary>With an OTLP endpoint set, one request is one trace across the processes it passes through.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task AnInvocationThroughTheGatewayIsOneTraceSpanningApiAndWorker()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, receiver.Environment);
        using var user = await UserSession.StartAsync(api, "traced");
        await user.CreateFunctionAsync("hello", "nodejs");
        await user.WaitReadyAsync("hello");

        Assert.Equal("Hello, trace!\n", await user.CallTextAsync("hello", "?name=trace"));

        var trace = await receiver.WaitForTraceAsync(spans =>
            spans.Any(s => s.Service == "Klusterkluck.Api" && s.Attributes.GetValueOrDefault("url.path") == "/fn/" + user.Username + "/hello/")
            && spans.Any(s => s.Service == "Klusterkluck.Worker"), TimeSpan.FromSeconds(30));
        var gateway = trace.Single(s => s.ParentSpanId is null);
        Assert.Equal("Klusterkluck.Api", gateway.Service);
        var worker = trace.Where(s => s.Service == "Klusterkluck.Worker").ToList();
        // The worker's server span hangs under the Api's: the gateway's hop to it, not a trace of its own.
        Assert.Contains(worker, s => trace.Any(parent => parent.Service == "Klusterkluck.Api" && parent.SpanId == s.ParentSpanId));
        Assert.All(trace, s => Assert.Equal(gateway.TraceId, s.TraceId));
    }
}
