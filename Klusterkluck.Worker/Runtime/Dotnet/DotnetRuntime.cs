using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>
/// Runs a C# function inside the worker's own process: its published assembly is loaded once, in
/// a load context of its own (<see cref="FunctionLoadContext"/>), and a request is one call of its
/// handler, with no process or socket in between.
/// </summary>
/// <remarks>
/// The programming model:
/// <list type="bullet">
/// <item>One public class named <c>Function</c> (any namespace) with one public method <c>HandleAsync</c>
/// or <c>Handle</c>. An instance method is called on the one <c>Function</c> made at load with its public
/// parameterless constructor, which every request shares, concurrently; a static one needs none. A
/// constructor that throws fails the start.</item>
/// <item>Parameters: any of <c>HttpRequest</c>, <c>HttpContext</c>, <c>CancellationToken</c>, in any order.
/// The request is the worker's own, its path relative to the function's root. The token, and
/// <c>HttpContext.RequestAborted</c>, is cancelled when the client leaves or the timeout runs out.</item>
/// <item>Returns: <c>Task&lt;IResult&gt;</c>, <c>ValueTask&lt;IResult&gt;</c> or <c>IResult</c> (executed:
/// <c>Results.Text</c>, <c>Results.Json</c>…); <c>Task&lt;string&gt;</c> or <c>string</c> (sent as
/// text/plain; charset=utf-8); <c>Task</c> or <c>void</c> (the method wrote the response itself).</item>
/// <item>Environment: the function's <c>env</c>, without the worker's KK_* variables; the current
/// directory is the repository's root, as for the other kinds. Files the project publishes are beside
/// <c>typeof(Function).Assembly.Location</c> (<c>AppContext.BaseDirectory</c> is the worker's).</item>
/// <item>An exception answers 500 with its type and message (its stack trace goes to the log only);
/// past the timeout the answer is 504. A <c>Function</c> that is disposable is disposed when the worker stops.</item>
/// </list>
/// Code that blocks its thread cannot be interrupted: a handler that sleeps through its timeout is
/// answered 504 when it returns. The function shares the worker's process: it can reach what the
/// worker holds, and an exception thrown on a thread of its own ends the worker.
/// </remarks>
public sealed class DotnetRuntime(LoadedFunction function, ILoggerFactory loggers) : IFunctionRuntime
{
    /// <summary>
    /// How long a cancelled handler may take to end before its request is let go: until then its
    /// HttpContext stays valid, which Kestrel would otherwise reuse for the connection's next request.
    /// </summary>
    private static readonly TimeSpan s_settleLimit = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger = loggers.CreateLogger("Function");
    private FunctionLoadContext? _loadContext;
    private Handler? _handler;

    public bool IsReady => _handler is not null;

    /// <summary>Loads the function's assembly and makes its handler; any mistake in either is one line.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var file = PublishFolder.EntryAssembly(function.Directory);
        var name = Path.GetFileName(file);
        // Before the function's first line runs: its constructors run in Bind.
        FunctionEnvironment.Apply(function.Config);
        Directory.SetCurrentDirectory(function.Directory);
        try
        {
            _loadContext = new FunctionLoadContext(file);
            var method = HandlerMethod.Find(_loadContext.LoadFromAssemblyPath(file), name);
            using (_loadContext.EnterContextualReflection())
            {
                _handler = method.Bind();
            }
        }
        catch (Exception ex) when (ex is not WorkerStartupException)
        {
            // A bad image, a malformed deps.json, a dependency the publish output lacks.
            throw new WorkerStartupException($"{name} cannot be loaded: {ex.GetType().Name}: {OneLine.Of(ex.Message)}", ex);
        }
        return Task.CompletedTask;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var handler = _handler!;
        var aborted = context.RequestAborted;
        var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        limit.CancelAfter(function.Config.Timeout);
        var call = new HandlerCall(handler, context, limit.Token);
        var running = Task.CompletedTask;
        try
        {
            // One signal, as the handler's CancellationToken or its RequestAborted: the client left or time ran out.
            context.RequestAborted = limit.Token;
            // Type.GetType and Assembly.Load, called by the shared framework on the function's behalf,
            // look in the function's assemblies rather than the worker's.
            using (_loadContext!.EnterContextualReflection())
            {
                running = call.RunAsync();
            }
            await running.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            context.RequestAborted = aborted;
            await StoppedAsync(context, call, running, aborted);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel refused the body the handler read (too large, malformed): the client's mistake.
            context.RequestAborted = aborted;
            await FunctionProblems.BodyRejectedAsync(context, ex);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            context.RequestAborted = aborted;
            _logger.LogError(ex, "{Handler} threw {Error}", handler.Name, ex.GetType().Name);
            await FunctionProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "The function failed",
                $"{ex.GetType().FullName}: {OneLine.Of(ex.Message)}");
        }
        catch (Exception)
        {
            // The client left, and the handler failed for it (a read of a reset body): nobody to answer.
        }
        finally
        {
            context.RequestAborted = aborted;
            // A handler still running past its settle limit may still register on the token.
            if (running.IsCompleted)
            {
                limit.Dispose();
            }
        }
    }

    /// <summary>Time ran out, or the client left, before the handler was done.</summary>
    private async Task StoppedAsync(HttpContext context, HandlerCall call, Task running, CancellationToken aborted)
    {
        if (!call.Claim())
        {
            // Its answer is being written; the cancelled token ends that soon.
            await SettleAsync(running);
        }
        if (running.IsCompletedSuccessfully || aborted.IsCancellationRequested)
        {
            // Done in that very instant, or nobody left to answer.
            await SettleAsync(running);
            return;
        }
        _logger.LogWarning("{Handler} did not answer within {Timeout} s", _handler!.Name, function.Config.Timeout.TotalSeconds);
        if (!context.Response.HasStarted && !running.IsCompleted
            && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
        {
            // The handler may go on using this request's objects, which Kestrel reuses for the connection's next request.
            context.Response.Headers.Connection = "close";
        }
        await FunctionProblems.TimedOutAsync(context, function.Config.Timeout);
        if (!aborted.IsCancellationRequested)
        {
            // The 504 goes out now, not once the handler has noticed its cancellation.
            await context.Response.CompleteAsync();
        }
        await SettleAsync(running);
    }

    /// <summary>Waits, a bounded time, for a cancelled handler to end.</summary>
    private async Task SettleAsync(Task running)
    {
        try
        {
            await running.WaitAsync(s_settleLimit);
        }
        catch (Exception) when (running.IsCompleted)
        {
            // Cancelled, or failed after its time: its answer would reach nobody.
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("{Handler} is still running {Limit} s after its request was cancelled: it does not watch its CancellationToken",
                _handler!.Name, s_settleLimit.TotalSeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            switch (_handler?.Instance)
            {
                case IAsyncDisposable disposable:
                    await disposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Disposing the function threw {Error}", ex.GetType().Name);
        }
    }
}
