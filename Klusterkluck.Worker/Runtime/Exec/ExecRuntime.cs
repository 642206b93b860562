using System.Diagnostics;
using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime.Exec;

/// <summary>
/// Runs the command once per request: body streamed to stdin, stdout streamed back. The first
/// 64 KiB of output are held back so that a command failing early still gets an honest 500;
/// past that the reply is streamed, and a late failure aborts the response instead. Nothing the
/// command started outlives its request: the whole process group is killed when it ends.
/// </summary>
public sealed class ExecRuntime(LoadedFunction function, WorkerOptions options, ILoggerFactory loggers) : IFunctionRuntime
{
    private const int HeldBackBytes = 64 * 1024;
    private static readonly TimeSpan s_drainLimit = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger = loggers.CreateLogger("Function");
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrency, options.MaxConcurrency);
    private string _program = "";

    public bool IsReady => _program.Length > 0;

    /// <summary>Resolves the command once, so that a missing program fails the start, not every request.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var name = function.Config.Command![0];
        _program = name.Contains('/')
            ? Path.Combine(function.Directory, name)
            : ProcessGroup.FindOnPath(name) ?? throw new WorkerStartupException(
                $"command '{name}' is not a program on PATH (a file of the repository is written ./{name})");
        return Task.CompletedTask;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!await _slots.WaitAsync(function.Config.Timeout, context.RequestAborted))
        {
            context.Response.Headers.RetryAfter = "1";
            await FunctionProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The function is busy",
                $"{options.MaxConcurrency} requests are running already (KK_MAX_CONCURRENCY).");
            return;
        }
        try
        {
            await RunAsync(context);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RunAsync(HttpContext context)
    {
        Process process;
        try
        {
            process = Start(context.Request);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            _logger.LogError("{Command} cannot be started: {Error}", Command, ex.Message);
            await FunctionProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "The function failed",
                $"Its command cannot be started: {ex.Message}.");
            return;
        }
        using var _ = process;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        limit.CancelAfter(function.Config.Timeout);
        var stdin = PumpStdinAsync(context.Request.Body, process.StandardInput.BaseStream, limit);
        var stderr = LogStderrAsync(process.StandardError.BaseStream);
        // Background children of a finished command would hold stdout open: they go with it.
        var exited = process.WaitForExitAsync().ContinueWith(_ => ProcessGroup.Kill(process), TaskScheduler.Default);
        try
        {
            await ReplyAsync(context, process, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            ProcessGroup.Kill(process);
            if (await stdin is { } bodyError)
            {
                await FunctionProblems.BodyRejectedAsync(context, bodyError);
            }
            else if (!context.RequestAborted.IsCancellationRequested)
            {
                _logger.LogWarning("{Command} timed out after {Timeout} s and was killed", Command, function.Config.Timeout.TotalSeconds);
                await FunctionProblems.TimedOutAsync(context, function.Config.Timeout);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                ProcessGroup.Kill(process);
            }
            try
            {
                // Bounded: a grandchild that left the group could hold stderr open for ever, and
                // this request's concurrency slot with it.
                await Task.WhenAll(stdin, stderr, exited).WaitAsync(s_drainLimit);
            }
            catch (TimeoutException)
            {
                _logger.LogWarning("{Command} left a process behind that keeps its output open", Command);
            }
        }
    }

    private async Task ReplyAsync(HttpContext context, Process process, CancellationToken cancellationToken)
    {
        var stdout = process.StandardOutput.BaseStream;
        var held = new byte[HeldBackBytes];
        var filled = 0;
        int read;
        while (filled < held.Length && (read = await stdout.ReadAsync(held.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        if (filled < held.Length)
        {
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                await FailAsync(context, process.ExitCode);
                return;
            }
            StartReply(context, filled);
            await context.Response.Body.WriteAsync(held.AsMemory(0, filled), cancellationToken);
            return;
        }

        StartReply(context, contentLength: null);
        await context.Response.Body.WriteAsync(held, cancellationToken);
        await stdout.CopyToAsync(context.Response.Body, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            await FailAsync(context, process.ExitCode);
        }
    }

    private static void StartReply(HttpContext context, long? contentLength)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = contentLength;
    }

    private Task FailAsync(HttpContext context, int exitCode)
    {
        _logger.LogError("{Command} exited with code {Code}", Command, exitCode);
        return FunctionProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "The function failed",
            $"It exited with code {exitCode}; see the function logs.");
    }

    private Process Start(HttpRequest request)
    {
        var info = new ProcessStartInfo(_program)
        {
            WorkingDirectory = function.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in function.Config.Command!.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        ChildEnvironment.Apply(info.Environment, function.Config);
        ExecEnvironment.Add(info.Environment, request);
        return Process.Start(ProcessGroup.InNewSession(info))!;
    }

    /// <returns>The request's own error when its body was refused (too large, malformed), else null.</returns>
    private static async Task<BadHttpRequestException?> PumpStdinAsync(Stream body, Stream stdin, CancellationTokenSource limit)
    {
        try
        {
            await body.CopyToAsync(stdin, limit.Token);
            return null;
        }
        catch (BadHttpRequestException ex)
        {
            // The command must not answer a truncated body as if it were whole.
            await limit.CancelAsync();
            return ex;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The command may exit without reading all of its input: a closed pipe is not an error.
            return null;
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync();
            }
            catch (IOException)
            {
            }
        }
    }

    private Task LogStderrAsync(Stream stderr) =>
        BoundedLines.PumpAsync(stderr, options.MaxLogLineBytes, line => _logger.LogWarning("{Line}", line));

    private string Command => function.Config.Command![0];

    // The semaphore is not disposed: requests still draining release their slot after this.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
