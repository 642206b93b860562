using System.Net;
using System.Net.Sockets;

namespace Klusterkluck.Worker.Runtime.NodeJs;

/// <summary>Forwards each request to the warm Node.js process, which calls the handler.</summary>
public sealed class NodeJsRuntime : IFunctionRuntime
{
    private readonly LoadedFunction _function;
    private readonly NodeProcess _node;
    private readonly HttpMessageInvoker _client;
    private readonly ShimForwarder _forwarder;

    public NodeJsRuntime(LoadedFunction function, WorkerOptions options, ILoggerFactory loggers)
    {
        _function = function;
        _node = new NodeProcess(function, options.Node, loggers.CreateLogger("Function"));
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectCallback = ConnectAsync,
        });
        // The shim answers only once the handler settled, so time to headers is the request's time.
        _forwarder = new ShimForwarder(_client, function.Config.Timeout);
    }

    public bool IsReady => _node.IsReady;

    public Task StartAsync(CancellationToken cancellationToken) => _node.StartAsync(cancellationToken);

    public async Task HandleAsync(HttpContext context)
    {
        if (await _node.WaitReadyAsync(_function.Config.Timeout, context.RequestAborted) is null)
        {
            await FunctionProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The function is restarting");
            return;
        }

        switch (await _forwarder.ForwardAsync(context))
        {
            case ForwardOutcome.TimedOut:
                await FunctionProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The function timed out",
                    $"No response within {_function.Config.Timeout.TotalSeconds:0.###} s.");
                break;
            case ForwardOutcome.Unreachable:
                await FunctionProblems.WriteAsync(context, StatusCodes.Status502BadGateway, "The function did not answer",
                    "Its process stopped while serving the request; it is being restarted.");
                break;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var path = _node.Socket ?? throw new IOException("the function's process is restarting");
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _client.Dispose();
    }
}
