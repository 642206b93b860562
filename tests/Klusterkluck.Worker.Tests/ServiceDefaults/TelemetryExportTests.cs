using System.Collections.Concurrent;
using System.Text;
using Klusterkluck.Worker.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Worker.Tests.ServiceDefaults;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, a service sends OTLP/HTTP to it; the receiver here is a plain HTTP server.</summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task TracesMetricsAndLogsGoToTheOtlpEndpoint()
    {
        var received = new ConcurrentDictionary<string, ConcurrentQueue<byte[]>>();
        await using var collector = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.GetOrAdd(signal, _ => new()).Enqueue(body.ToArray());
            return Results.Ok();
        }));

        using var repo = new GitRepo();
        var sha = repo.Write("klusterkluck.yaml", "kind: static\n").Write("index.html", "traced").Commit("site");
        var env = WorkerProcess.Env(repo, sha);
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl;
        env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        env["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        env["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
        env["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        await using var worker = await WorkerProcess.StartReadyAsync(env);
        Assert.Equal("traced", await worker.Client.GetStringAsync("/index.html"));

        for (var attempt = 0; attempt < 100 && !(Has("traces", "/index.html") && Has("metrics", "http.server") && Has("logs", "Serving")); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.True(Has("traces", "/index.html"), "no span for the request reached the collector");
        Assert.True(Has("traces", "Klusterkluck.Worker"), "spans carry no service name");
        Assert.True(Has("metrics", "http.server"), "no HTTP server metrics reached the collector");
        Assert.True(Has("logs", "Serving"), "the worker's log lines did not reach the collector");

        // Protobuf keeps strings as UTF-8 bytes, so a plain search finds them without a decoder.
        bool Has(string signal, string text) =>
            received.TryGetValue(signal, out var bodies) && bodies.Any(body => Encoding.UTF8.GetString(body).Contains(text, StringComparison.Ordinal));
    }
}
