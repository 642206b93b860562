using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Klusterkluck.Api.Runtime;

/// <summary>
/// The one HTTP client for talking to functions' workers: the gateway, invoke and readiness
/// probes share its connection pool. No retries, redirects, cookies or decompression: requests to
/// functions are not idempotent in general, and responses pass through as they are.
/// </summary>
public sealed class FunctionHttp(Local.WorkerSockets sockets) : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        ConnectCallback = sockets.ConnectAsync,
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        EnableMultipleHttp2Connections = true,
        // Trace context goes on as the caller's, not as a second hop's (YARP's recommendation).
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    }, disposeHandler: true);

    public void Dispose() => Invoker.Dispose();
}
