using Klusterkluck.Api.Hosting;
using System.Text;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// The dashboard's "try it": one request to the function as its owner (the caller's own token is
/// passed on, so the worker checks it as it checks any other), answered as JSON.
/// </summary>
public sealed class FunctionInvoker(IRuntime runtime, FunctionHttp http, Usage.UsageMeter usage)
{
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Headers about the connection to the worker, not about the function's answer.</summary>
    private static readonly HashSet<string> s_hopByHop = new(["Connection", "Keep-Alive", "Transfer-Encoding"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The function's answer, or null when no replica serves it right now (<paramref name="coldStartFailure"/>: why one could not start, when it was at zero).</summary>
    public async Task<InvokeResponse?> InvokeAsync(FunctionId id, InvokeTarget target, HttpRequest incoming, CancellationToken cancellationToken,
        Action<string>? coldStartFailure = null)
    {
        var (routed, failure) = await runtime.RouteAwakeAsync(id, cancellationToken);
        using var lease = routed;
        if (lease.Destination is not { } destination)
        {
            if (failure is not null)
            {
                coldStartFailure?.Invoke(failure);
            }
            return null;
        }
        // The destination is the replica's root; the path is appended, so its authority cannot change.
        using var request = new HttpRequestMessage(new HttpMethod(target.Method), destination.TrimEnd('/') + target.Path);
        var body = target.HasBody ? new Gateway.CountingStream(incoming.Body) : null;
        if (body is not null)
        {
            request.Content = new StreamContent(body);
            if (incoming.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        foreach (var (name, value) in InvokeTarget.Headers(incoming))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (incoming.Headers.Authorization is { Count: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.ToString());
        }
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        byte[] answer;
        bool truncated;
        try
        {
            response = await http.Invoker.SendAsync(request, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            (answer, truncated) = await CappedRead.ReadAsync(stream, MaxBodyBytes, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            usage.Invoked(id, error: true, startedAt, body?.Count ?? 0, 0);
            throw;
        }
        using var _ = response;
        usage.Invoked(id, error: (int)response.StatusCode >= 500, startedAt, body?.Count ?? 0, answer.Length);
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !s_hopByHop.Contains(h.Key))
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var text = TryUtf8(answer);
        return new InvokeResponse((int)response.StatusCode, headers, text ?? Convert.ToBase64String(answer), text is null ? "base64" : "text", truncated);
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? TryUtf8(byte[] body)
    {
        try
        {
            return s_strictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
