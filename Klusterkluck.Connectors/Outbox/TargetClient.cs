using System.Net;
using System.Net.Http.Headers;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>How one attempt ended: delivered, worth retrying (after a wait the target may ask for), or refused; with the target's answer when it gave one.</summary>
internal readonly record struct AttemptResult(AttemptStatus Status, string Reason, TimeSpan? RetryAfter = null, TargetAnswer? Answer = null);

internal enum AttemptStatus
{
    Delivered,
    Retry,
    Refused,
}

/// <summary>One POST of one payload to the target.</summary>
internal sealed class TargetClient(HttpClient http, DeliveryOptions options)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ConnectorHeader = "KK-Connector";
    public const string AttemptHeader = "KK-Delivery-Attempt";

    /// <summary>
    /// How much of an answer's body is kept: enough for a run id or a problem's detail, which a
    /// source may pass on to its caller, while a target that answers with megabytes costs nothing.
    /// </summary>
    public const int AnswerBodyBytes = 16 * 1024;

    private static readonly MediaTypeHeaderValue s_octetStream = new("application/octet-stream");
    private static readonly Dictionary<string, string> s_noHeaders = [];

    public async Task<AttemptResult> PostAsync(Pending pending, int attempt, CancellationToken abandon)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TargetUrl)
        {
            Content = new ReadOnlyMemoryContent(pending.Payload.Body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(pending.Payload.ContentType, out var type) ? type : s_octetStream;
        // The id stays the same on every attempt, so a target can recognise a retry.
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, pending.Delivery.Id);
        request.Headers.TryAddWithoutValidation(ConnectorHeader, options.Connector);
        if (options.TargetToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        request.Headers.TryAddWithoutValidation(AttemptHeader, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in pending.Payload.Headers ?? s_noHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abandon);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var reason = $"{status} {response.ReasonPhrase}";
            var answer = new TargetAnswer(status, reason, await ReadStartAsync(response.Content, timeout.Token), response.Content.Headers.ContentType?.ToString());
            if (response.IsSuccessStatusCode)
            {
                return new AttemptResult(AttemptStatus.Delivered, reason, Answer: answer);
            }
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                return new AttemptResult(AttemptStatus.Retry, reason, RetryAfter(response), answer);
            }
            return new AttemptResult(AttemptStatus.Refused, reason, Answer: answer);
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(AttemptStatus.Retry, e.Message);
        }
        catch (OperationCanceledException) when (!abandon.IsCancellationRequested)
        {
            return new AttemptResult(AttemptStatus.Retry, $"no answer within {options.Timeout.TotalSeconds:0.###}s");
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadStartAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // Sized by the length the target gave (the Api's answers are a few dozen bytes), else grown as read.
        var length = content.Headers.ContentLength;
        if (length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        var buffer = new byte[(int)Math.Min(length ?? 1024, AnswerBodyBytes)];
        var filled = 0;
        await using var body = await content.ReadAsStreamAsync(cancellationToken);
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length == AnswerBodyBytes || length is not null)
                {
                    break;
                }
                Array.Resize(ref buffer, Math.Min(buffer.Length * 4, AnswerBodyBytes));
            }
            var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return buffer.AsMemory(0, filled);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        // A target may ask for a pause, but never for longer than the host's own longest wait.
        return wait is { } delay && delay > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(delay.Ticks, options.BackoffMax.Ticks)) : null;
    }
}
