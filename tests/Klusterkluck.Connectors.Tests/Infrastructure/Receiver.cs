using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Connectors.Tests.Infrastructure;

/// <summary>One request the receiver accepted.</summary>
public sealed record Received(string Path, string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());
}

/// <summary>
/// The connector's target: a real HTTP server on loopback that records what it accepts, and that
/// a test can make refuse (any status) for a while.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<Received> _accepted = new();
    private LoopbackServer _server = null!;
    private int _attempts;
    private int _gets;

    /// <summary>While not 0, every request is answered with this status and not recorded.</summary>
    public volatile int FailWith;

    /// <summary>A body answered 503 every time, while all others are accepted.</summary>
    public volatile string? Poison;

    /// <summary>While set, every POST is redirected (301) here.</summary>
    public volatile string? RedirectTo;

    /// <summary>GET requests seen: a redirected POST turned into a GET would show up here.</summary>
    public int Gets => _gets;

    /// <summary>Every request that arrived, accepted or not.</summary>
    public int Attempts => _attempts;

    public IReadOnlyList<Received> Accepted => [.. _accepted];

    /// <summary>The target URL for connectors; <paramref name="path"/> tells apart several hosts sharing one receiver.</summary>
    public string Url(string path = "events") => $"{_server.BaseUrl}/{path}";

    /// <summary>The run id the receiver answers for a payload with this Idempotency-Key.</summary>
    public static string RunIdFor(string key) => $"run-{key}";

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver();
        receiver._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/{**path}", receiver.ReceiveAsync);
            app.MapGet("/{**path}", () =>
            {
                Interlocked.Increment(ref receiver._gets);
                return Results.Ok();
            });
        });
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests were accepted; returns them in arrival order.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (_accepted.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{_accepted.Count} of {count} payloads arrived ({Attempts} attempts)");
            }
            await Task.Delay(20);
        }
        return Accepted;
    }

    private async Task<IResult> ReceiveAsync(HttpContext http, string path)
    {
        Interlocked.Increment(ref _attempts);
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (RedirectTo is { } location)
        {
            return Results.Redirect(location, permanent: true);
        }
        if (FailWith is not 0 and var status)
        {
            return Results.Problem(statusCode: status, detail: $"refused on purpose with {status}");
        }
        if (body == Poison)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        _accepted.Enqueue(new Received(path, body, http.Request.ContentType, headers));
        // As the Api's event endpoint answers: the run the event started, here named after its key.
        return Results.Json(new { runId = RunIdFor(http.Request.Headers["Idempotency-Key"].ToString()) });
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
