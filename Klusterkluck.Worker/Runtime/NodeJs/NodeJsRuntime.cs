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
    private readonly ILogger _logger;
    private int _checking;

    private readonly bool _adopting;

    /// <param name="warm">A pool worker's node, booted already, that takes this function (<see cref="NodeProcess.PrewarmAsync"/>).</param>
    public NodeJsRuntime(LoadedFunction function, WorkerOptions options, ILoggerFactory loggers, NodeProcess? warm = null)
    {
        _function = function;
        _logger = loggers.CreateLogger("Function");
        _adopting = warm is not null;
        _node = warm ?? new NodeProcess(function, options.Node, options.MaxLogLineBytes, _logger);
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
        _forwarder = new ShimForwarder(_client);
    }

    public bool IsReady => _node.IsReady;

    public Task StartAsync(CancellationToken cancellationToken) =>
        _adopting ? _node.AdoptAsync(_function, cancellationToken) : _node.StartAsync(cancellationToken);

    public async Task HandleAsync(HttpContext context)
    {
        // A node that just died may still look ready for a moment; a request it never received is
        // safe to send once more, to the node that replaces it.
        // One time limit for the whole request, waiting for a restarting node included. The shim
        // answers only once the handler settled, so time to headers is the handler's time.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan Left() => _function.Config.Timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        for (var attempt = 1; ; attempt++)
        {
            if (await _node.WaitReadyAsync(Left(), context.RequestAborted) is null)
            {
                await FunctionProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The function is restarting");
                return;
            }
            var left = Left();
            var outcome = left > TimeSpan.Zero ? await _forwarder.ForwardAsync(context, left) : ForwardOutcome.TimedOut;
            if (outcome == ForwardOutcome.NotDelivered && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), context.RequestAborted);
                continue;
            }
            await ReportAsync(context, outcome);
            return;
        }
    }

    private async Task ReportAsync(HttpContext context, ForwardOutcome outcome)
    {
        switch (outcome)
        {
            case ForwardOutcome.TimedOut:
                _ = RestartIfUnresponsiveAsync();
                await FunctionProblems.TimedOutAsync(context, _function.Config.Timeout);
                break;
            case ForwardOutcome.NotDelivered:
            case ForwardOutcome.Unreachable:
                await FunctionProblems.WriteAsync(context, StatusCodes.Status502BadGateway, "The function did not answer",
                    "Its process closed the connection without a response.");
                break;
        }
    }

    /// <summary>
    /// A timeout may be one slow request, or a handler that blocks node's event loop for good; a
    /// ping the shim answers without the handler tells them apart, and only the second restarts node.
    /// </summary>
    private async Task RestartIfUnresponsiveAsync()
    {
        // The node that timed out; a restart under way or already done needs no ping.
        if (_node.Socket is not { } socket || Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }
        try
        {
            using var ping = new HttpRequestMessage(HttpMethod.Get, ShimForwarder.ShimOrigin + "/");
            ping.Headers.Add(ShimForwarder.PingHeader, "1");
            using var deadline = new CancellationTokenSource(s_pingTimeout);
            using var _ = await _client.SendAsync(ping, deadline.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            _logger.LogError("node did not answer a ping within {Timeout} s (its event loop is blocked); restarting it", s_pingTimeout.TotalSeconds);
            _node.Kill(socket);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private static readonly TimeSpan s_pingTimeout = TimeSpan.FromSeconds(2);

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
