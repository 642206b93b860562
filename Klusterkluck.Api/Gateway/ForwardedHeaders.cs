using Yarp.ReverseProxy.Forwarder;

namespace Klusterkluck.Api.Gateway;

/// <summary>
/// Copies the request as YARP does, and tells the function where it was called from: the
/// <c>X-Forwarded-*</c> headers a function needs to build its own absolute URLs. Whatever the
/// client sent under those names is replaced, never trusted.
/// </summary>
internal sealed class ForwardedHeaders : HttpTransformer
{
    public static readonly ForwardedHeaders Instance = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        var headers = proxyRequest.Headers;
        Set(headers, "X-Forwarded-For", httpContext.Connection.RemoteIpAddress?.ToString());
        Set(headers, "X-Forwarded-Proto", request.Scheme);
        Set(headers, "X-Forwarded-Host", request.Host.Value);
        Set(headers, "X-Forwarded-Prefix", request.PathBase.Value);
    }

    private static void Set(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string? value)
    {
        headers.Remove(name);
        if (!string.IsNullOrEmpty(value))
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
