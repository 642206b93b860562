using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Klusterkluck.Connectors.Http;

/// <summary>One request in, one payload to the sink, and the caller told whether it was taken.</summary>
internal sealed class HttpReceiver(IDeliverySink sink, TimeSpan acceptTimeout, string? token, CancellationToken stopping)
{
    private readonly byte[]? _expected = token is null ? null : Encoding.UTF8.GetBytes($"Bearer {token}");

    public async Task<IResult> ReceiveAsync(HttpContext http)
    {
        if (!Authorized(http.Request))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A bearer token is required",
                detail: "This connector takes requests that carry its token.");
        }
        var body = await ReadBodyAsync(http.Request);
        var payload = new Payload(body, http.Request.ContentType)
        {
            Headers = new Dictionary<string, string> { [HttpConnector.PathHeader] = $"{http.Request.Path}{http.Request.QueryString}" },
        };
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        wait.CancelAfter(acceptTimeout);
        try
        {
            var delivery = await sink.SendAsync(payload, wait.Token);
            return TypedResults.Accepted((string?)null, new Accepted(delivery.Id));
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException && !http.RequestAborted.IsCancellationRequested)
        {
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The connector cannot take the payload now",
                detail: stopping.IsCancellationRequested ? "The connector is stopping." : "Its buffer stayed full; retry later.");
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

    private sealed record Accepted(string DeliveryId);
}
