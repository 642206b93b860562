using System.Diagnostics;

namespace Klusterkluck.Worker.Runtime.NodeJs;

/// <summary>
/// One warm Node.js process running the shim, restarted with backoff when it dies. Requests wait
/// for it to be ready again instead of failing while it restarts.
/// </summary>
/// <remarks>
/// The shim listens on a Unix domain socket in a folder only the worker's user can open, not on a
/// TCP port: on a shared host (the local runtime) another tenant's function could otherwise call
/// the shim directly and skip the worker's token check. It is also cheaper than loopback TCP.
/// </remarks>
public sealed class NodeProcess(LoadedFunction function, string node, ILogger logger) : IAsyncDisposable
{
    private readonly string _socketFolder = Directory.CreateTempSubdirectory("kk-shim-").FullName;

    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_stableAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource<string> _ready = NewReady();
    private int _generation;
    private Process? _process;
    private DateTime _startedAt;
    private TimeSpan _backoff = s_firstBackoff;
    private string? _lastError;
    private volatile bool _everReady;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>The socket of the running shim, or null while it (re)starts.</summary>
    public string? Socket => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;

    /// <summary>Starts node and returns once the shim listens; a handler that cannot load fails here.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = _ready;
        Launch();
        await first.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The shim's socket path once it is ready, or null after <paramref name="timeout"/>.</summary>
    public async Task<string?> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
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
        // A new socket per start: a dying process may still hold the old one.
        var socket = Path.Combine(_socketFolder, $"node-{Interlocked.Increment(ref _generation)}.sock");
        var readyToken = $"kk-shim-ready-{Guid.NewGuid():N}";
        var info = new ProcessStartInfo(node)
        {
            WorkingDirectory = function.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Runtime", "NodeJs", "shim.mjs"));
        info.ArgumentList.Add(socket);
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
                ready.TrySetResult(socket);
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

    private void OnExited(Process process, TaskCompletionSource<string> ready)
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
        Directory.Delete(_socketFolder, recursive: true);
        _stopping.Dispose();
    }

    private static TaskCompletionSource<string> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
