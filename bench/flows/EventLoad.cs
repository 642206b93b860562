using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

/// <summary>One event the http connector took: its body, and when it was posted.</summary>
internal readonly record struct Posted(string Body, DateTime PostedAt);

/// <summary>What a load delivered: the events the connector took, by delivery id, and how long taking them took.</summary>
internal sealed record Load(IReadOnlyDictionary<string, Posted> Accepted, int Refusals, int Lost, TimeSpan Elapsed);

/// <summary>
/// A fixed number of events POSTed to the http connector by <paramref name="Clients"/> clients,
/// back to back, or paced at <paramref name="Rate"/> events/s offered (0: back to back). The connector answers 202 with the delivery id once it buffered the event; that
/// id is the event's Idempotency-Key at the Api, so each event is found again as its run.
/// </summary>
internal sealed record EventLoad(string Url, int Clients, double Rate = 0)
{
    private const int Attempts = 10;

    public async Task<Load> PostAsync(int events, string prefix)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { Timeout = TimeSpan.FromSeconds(60) };
        var accepted = new ConcurrentDictionary<string, Posted>();
        var next = 0;
        var refusals = 0;
        var lost = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n <= events; n = Interlocked.Increment(ref next))
            {
                if (Rate > 0 && TimeSpan.FromSeconds((n - 1) / Rate) - clock.Elapsed is { Ticks: > 0 } early)
                {
                    await Task.Delay(early);
                }
                var body = $"{prefix}{n}";
                if (await PostOneAsync(client, body) is { } posted)
                {
                    accepted[posted.DeliveryId] = new Posted(body, posted.At);
                }
                else
                {
                    Interlocked.Increment(ref lost);
                }
            }
        }));
        return new Load(accepted, refusals, lost, clock.Elapsed);

        // A 503 (the connector's buffer stayed full) or a broken connection is tried again after a second, a few times.
        async Task<(string DeliveryId, DateTime At)?> PostOneAsync(HttpClient client, string body)
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                var at = DateTime.UtcNow;
                try
                {
                    using var response = await client.PostAsync(Url, new StringContent(body, Encoding.UTF8, "text/plain"));
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var answer = await response.Content.ReadFromJsonAsync<Accepted>();
                        return (answer!.DeliveryId, at);
                    }
                }
                catch (HttpRequestException)
                {
                }
                Interlocked.Increment(ref refusals);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            return null;
        }
    }

    private sealed record Accepted(string DeliveryId);
}
