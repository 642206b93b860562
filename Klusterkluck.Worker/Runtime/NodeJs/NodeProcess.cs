using System.Diagnostics;

namespace Klusterkluck.Worker.Runtime.NodeJs;

/// <summary>
/// One warm Node.js process running the shim on a loopback port, restarted with backoff when it
/// dies. Requests wait for it to be ready again instead of failing while it restarts.
/// </summary>
public sealed class NodeProcess(LoadedFunction function, string node, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_stableAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource<Uri> _ready = NewReady();
    private Process? _process;
    private DateTime _startedAt;
    private TimeSpan _backoff = s_firstBackoff;
    private string? _lastError;
    private volatile bool _everReady;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Starts node and returns once the shim listens; a handler that cannot load fails here.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = _ready;
        Launch();
        await first.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The shim's address once it is ready, or null after <paramref name="timeout"/>.</summary>
    public async Task<Uri?> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _ready.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private void Launch()
    {
        var port = LoopbackPort.GetFree();
        var readyToken = $"kk-shim-ready-{Guid.NewGuid():N}";
        var info = new ProcessStartInfo(node)
        {
            WorkingDirectory = function.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Runtime", "NodeJs", "shim.mjs"));
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(Path.Combine(function.Directory, function.Config.Handler!));
        info.ArgumentList.Add(readyToken);
        ChildEnvironment.Apply(info.Environment, function.Config);

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var ready = _ready;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data == readyToken)
            {
                _everReady = true;
                ready.TrySetResult(new Uri($"http://127.0.0.1:{port}/"));
            }
            else if (line.Data is not null)
            {
                logger.LogInformation("{Line}", line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                _lastError = line.Data;
                logger.LogWarning("{Line}", line.Data);
            }
        };
        process.Exited += (_, _) => OnExited(process, ready);

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            ready.TrySetException(new WorkerStartupException($"cannot start Node.js ('{node}'): {ex.Message}"));
            return;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_lock)
        {
            _process?.Dispose();
            _process = process;
            _startedAt = DateTime.UtcNow;
        }
    }

    private void OnExited(Process process, TaskCompletionSource<Uri> ready)
    {
        // Let the last stderr lines arrive before reporting them.
        process.WaitForExit();
        var code = process.ExitCode;
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        if (!_everReady)
        {
            // The handler never loaded: that is a broken commit, fatal for the worker, not a crash to retry.
            ready.TrySetException(new WorkerStartupException(
                $"the nodejs handler '{function.Config.Handler}' did not start (node exited with code {code}): {_lastError ?? "no error output"}"));
            return;
        }

        TimeSpan delay;
        lock (_lock)
        {
            _backoff = DateTime.UtcNow - _startedAt > s_stableAfter ? s_firstBackoff : _backoff;
            delay = _backoff;
            _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, s_maxBackoff.Ticks));
            _ready = NewReady();
        }
        logger.LogError("node exited with code {Code}; restarting in {Delay} ms", code, (int)delay.TotalMilliseconds);
        _ = RestartAfterAsync(delay);
    }

    private async Task RestartAfterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token);
            Launch();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Process? process;
        lock (_lock)
        {
            process = _process;
        }
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process?.Dispose();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
        _stopping.Dispose();
    }

    private static TaskCompletionSource<Uri> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
