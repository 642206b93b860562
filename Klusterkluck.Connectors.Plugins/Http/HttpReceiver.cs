using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Klusterkluck.Connectors.Http;

/// <summary>
/// One request in, one payload to the sink, and the caller told whether the target took it: the
/// answer waits for the delivery, so a 202 means the target has the event, not only this process.
/// </summary>
internal sealed class HttpReceiver(IDeliverySink sink, TimeSpan acceptTimeout, string? token, CancellationToken stopping)
{
    /// <summary>The Api's limit on an Idempotency-Key; a longer one would be replaced there, and lose its meaning.</summary>
    public const int MaxKeyLength = 200;

    private const string IdempotencyKey = "Idempotency-Key";

    private readonly byte[]? _expected = token is null ? null : Encoding.UTF8.GetBytes($"Bearer {token}");

    public async Task<IResult> ReceiveAsync(HttpContext http)
    {
        if (!Authorized(http.Request))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A bearer token is required",
                detail: "This connector takes requests that carry its token.");
        }
        string? key = null;
        if (http.Request.Headers.TryGetValue(IdempotencyKey, out var given))
        {
            key = given.ToString();
            if (key.Length is 0 or > MaxKeyLength)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {IdempotencyKey} header",
                    detail: $"{IdempotencyKey} must be 1 to {MaxKeyLength} characters; it has {key.Length}.");
            }
        }
        var body = await ReadBodyAsync(http.Request);
        var payload = new Payload(body, http.Request.ContentType)
        {
            // The caller's key is the delivery's: a retry after a 503 or a lost 202 lands on the same run.
            Id = key,
            Headers = new Dictionary<string, string> { [HttpConnector.PathHeader] = $"{http.Request.Path}{http.Request.QueryString}" },
        };
        // One deadline for room in the buffer and for the delivery together: the caller waits at most this long.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        wait.CancelAfter(acceptTimeout);
        Delivery delivery;
        try
        {
            using var room = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, stopping);
            delivery = await sink.SendAsync(payload, room.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException && !http.RequestAborted.IsCancellationRequested)
        {
            return Unavailable(http, stopping.IsCancellationRequested ? "The connector is stopping; nothing was taken." : "Its buffer stayed full; nothing was taken.");
        }
        DeliveryOutcome outcome;
        try
        {
            // Not cancelled by the connector's stop: a delivery under way still ends (delivered, or abandoned at the drain's end).
            outcome = await delivery.Completion.WaitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Unavailable(http, $"The platform has not confirmed delivery {delivery.Id} within {acceptTimeout.TotalSeconds:0.###}s; it may still arrive. " +
                $"Retry with the same {IdempotencyKey} to be sure it runs once.", delivery.Id);
        }
        return outcome switch
        {
            DeliveryOutcome.Delivered => TypedResults.Accepted((string?)null, new Accepted(delivery.Id, RunIdOf(delivery.Answer))),
            // Refused (a 4xx other than 408 and 429, or a redirect): retrying would not help.
            DeliveryOutcome.DeadLettered when delivery.Answer is { Status: >= 300 and < 500 and not 408 and not 429 } refusal => Refused(delivery, refusal),
            // Its attempts ran out on errors that may pass: the caller may try again later.
            DeliveryOutcome.DeadLettered => Unavailable(http, $"The platform did not take delivery {delivery.Id}: {delivery.Answer?.Reason ?? "it could not be reached"}.",
                delivery.Id),
            _ => Unavailable(http, $"The connector stopped before delivery {delivery.Id} reached the platform.", delivery.Id),
        };
    }

    private static IResult Unavailable(HttpContext http, string detail, string? deliveryId = null)
    {
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The connector cannot take the payload now", detail: detail,
            extensions: deliveryId is null ? null : new Dictionary<string, object?> { ["deliveryId"] = deliveryId });
    }

    /// <summary>
    /// The platform's refusal, passed on with its status (413 stays 413) and its reason, so the
    /// caller does not retry in vain; a redirect, which the host does not follow, is a 502.
    /// </summary>
    private static IResult Refused(Delivery delivery, TargetAnswer refusal) =>
        TypedResults.Problem(statusCode: refusal.Status >= 400 ? refusal.Status : StatusCodes.Status502BadGateway, title: "The platform refused the payload",
            detail: ProblemDetailOf(refusal) is { } detail ? $"{refusal.Reason}: {detail}" : refusal.Reason,
            extensions: new Dictionary<string, object?> { ["deliveryId"] = delivery.Id });

    private static string? ProblemDetailOf(TargetAnswer answer) =>
        ReadJson(answer, root => root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString() : null);

    /// <summary>The run the Api started (or found, for a retry): its answer is <c>{"runId": …}</c>.</summary>
    private static string? RunIdOf(TargetAnswer? answer) =>
        answer is null ? null : ReadJson(answer, root => root.TryGetProperty("runId", out var run) && run.ValueKind == JsonValueKind.String ? run.GetString() : null);

    private static string? ReadJson(TargetAnswer answer, Func<JsonElement, string?> read)
    {
        if (answer.Body.IsEmpty || answer.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : null;
        }
        catch (JsonException)
        {
            // A target that is not the Api may answer anything: the caller then gets no run id, not an error.
            return null;
        }
    }

    private bool Authorized(HttpRequest request)
    {
        if (_expected is null)
        {
            return true;
        }
        // Constant time, so the answer's timing does not tell how much of a guess was right.
        var given = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        // Sized from Content-Length only up to the limit: Kestrel refuses larger bodies (413) as
        // they are read, and a forged length must not allocate first.
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, limit));
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private sealed record Accepted(string DeliveryId, string? RunId);
}
