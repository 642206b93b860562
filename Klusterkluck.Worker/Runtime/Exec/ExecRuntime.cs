using System.Diagnostics;

namespace Klusterkluck.Worker.Runtime.Exec;

/// <summary>
/// Runs the command once per request: body streamed to stdin, stdout streamed back. The first
/// 64 KiB of output are held back so that a command failing early still gets an honest 500;
/// past that the reply is streamed, and a late failure aborts the response instead.
/// </summary>
public sealed class ExecRuntime(LoadedFunction function, ILoggerFactory loggers) : IFunctionRuntime
{
    private const int HeldBackBytes = 64 * 1024;
    private readonly ILogger _logger = loggers.CreateLogger("Function");

    public bool IsReady => true;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task HandleAsync(HttpContext context)
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
        var stdin = PumpStdinAsync(context.Request.Body, process.StandardInput.BaseStream, limit.Token);
        var stderr = LogStderrAsync(process.StandardError);
        try
        {
            await ReplyAsync(context, process, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            Kill(process);
            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            _logger.LogWarning("{Command} timed out after {Timeout} s and was killed", Command, function.Config.Timeout.TotalSeconds);
            await FunctionProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The function timed out",
                $"No reply within {function.Config.Timeout.TotalSeconds:0.###} s.");
        }
        finally
        {
            Kill(process);
            await Task.WhenAll(stdin, stderr);
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
        var command = function.Config.Command!;
        var program = command[0].Contains('/') ? Path.Combine(function.Directory, command[0]) : command[0];
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = function.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        ChildEnvironment.Apply(info.Environment, function.Config);
        ExecEnvironment.Add(info.Environment, request);
        return Process.Start(info)!;
    }

    private static async Task PumpStdinAsync(Stream body, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await body.CopyToAsync(stdin, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The command may exit without reading all of its input: a closed pipe is not an error.
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

    private async Task LogStderrAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync() is { } line)
        {
            _logger.LogWarning("{Line}", line);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private string Command => function.Config.Command![0];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
