using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Klusterkluck.Worker.Runtime.NodeJs;

/// <summary>Forwards each request to the warm Node.js process, which calls the handler.</summary>
public sealed class NodeJsRuntime : IFunctionRuntime
{
    private readonly LoadedFunction _function;
    private readonly IHttpForwarder _forwarder;
    private readonly NodeProcess _node;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
    });

    public NodeJsRuntime(LoadedFunction function, WorkerOptions options, IHttpForwarder forwarder, ILoggerFactory loggers)
    {
        _function = function;
        _forwarder = forwarder;
        _node = new NodeProcess(function, options.Node, loggers.CreateLogger("Function"));
        // The shim answers only once the handler settled, so idle time is the request's time.
        _requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = function.Config.Timeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public bool IsReady => _node.IsReady;

    public Task StartAsync(CancellationToken cancellationToken) => _node.StartAsync(cancellationToken);

    public async Task HandleAsync(HttpContext context)
    {
        var shim = await _node.WaitReadyAsync(_function.Config.Timeout, context.RequestAborted);
        if (shim is null)
        {
            await FunctionProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The function is restarting");
            return;
        }

        var error = await _forwarder.SendAsync(context, shim.ToString(), _client, _requestConfig, HttpTransformer.Default);
        switch (error)
        {
            case ForwarderError.None:
                return;
            case ForwarderError.RequestCanceled:
            case ForwarderError.RequestBodyCanceled:
                return;
            case ForwarderError.RequestTimedOut:
                await FunctionProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The function timed out",
                    $"No response within {_function.Config.Timeout.TotalSeconds:0.###} s.");
                return;
            default:
                await FunctionProblems.WriteAsync(context, StatusCodes.Status502BadGateway, "The function did not answer",
                    "Its process stopped while serving the request; it is being restarted.");
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _client.Dispose();
    }
}
