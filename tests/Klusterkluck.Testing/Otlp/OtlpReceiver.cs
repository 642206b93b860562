using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Testing.Otlp;

/// <summary>A span as the receiver got it: hex ids, and the service (resource) that sent it.</summary>
public sealed record ReceivedSpan(string Service, string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP receiver on 127.0.0.1 (<c>POST /v1/traces</c>, protobuf), decoding every span it
/// gets; metric exports are kept as they came (<see cref="MetricExports"/>), logs are dropped.
/// Point a process at it with <see cref="Environment"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private LoopbackServer _server = null!;

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    /// <summary>Where it listens: an OTLP/HTTP endpoint (signals go to <c>/v1/traces</c> and so on).</summary>
    public string BaseUrl => _server.BaseUrl;

    /// <summary>Each metrics export's protobuf body, undecoded: names and attribute values are in it as UTF-8.</summary>
    public IReadOnlyCollection<byte[]> MetricExports => _metrics;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver.Add(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()));
                return Results.Ok();
            });
            app.MapPost("/v1/metrics", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver._metrics.Enqueue(body.ToArray());
                return Results.Ok();
            });
            app.MapPost("/v1/{signal}", () => Results.Ok());
        });
        return receiver;
    }

    /// <summary>The variables that make a .NET service export here quickly (OTLP/HTTP, short batch delays).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _server.BaseUrl,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    /// <summary>Waits (bounded) until some trace satisfies <paramref name="match"/>; returns its spans.</summary>
    public async Task<List<ReceivedSpan>> WaitForTraceAsync(Func<List<ReceivedSpan>, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var trace in _spans.GroupBy(s => s.TraceId))
            {
                var spans = trace.ToList();
                if (match(spans))
                {
                    return spans;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no trace matched; received: {string.Join("; ", _spans.Select(s => $"{s.Service} {s.Name} {s.TraceId[..8]}"))}");
            }
            await Task.Delay(100);
        }
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    _spans.Enqueue(new ReceivedSpan(service, scope.Scope?.Name ?? "", Convert.ToHexStringLower(span.TraceId.Span),
                        Convert.ToHexStringLower(span.SpanId.Span), span.ParentSpanId.IsEmpty ? null : Convert.ToHexStringLower(span.ParentSpanId.Span),
                        span.Name, span.Attributes.ToDictionary(a => a.Key, a => Text(a.Value))));
                }
            }
        }
    }

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
