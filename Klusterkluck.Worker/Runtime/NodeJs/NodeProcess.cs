using System.Diagnostics;
using Klusterkluck.Functions;

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
public sealed class NodeProcess(LoadedFunction? function, string node, int maxLineBytes, ILogger logger) : IAsyncDisposable
{
    /// <summary>The shim prints this before the one line that says why the handler did not load.</summary>
    private const string StartErrorMarker = "kk-shim-error: ";
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_stableAfter = TimeSpan.FromSeconds(30);

    private readonly string _socketFolder = Directory.CreateTempSubdirectory("kk-shim-").FullName;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile TaskCompletionSource<string> _ready = NewReady();
    private string _node = node;
    private Process? _process;
    private DateTime _startedAt;
    private TimeSpan _backoff = s_firstBackoff;
    private int _generation;
    private string? _startError;
    private string? _lastError;
    private volatile bool _everReady;

    /// <summary>The function served; null while a warm node waits for one (<see cref="Prewarm"/>).</summary>
    private volatile LoadedFunction? _function = function;

    /// <summary>The stdin of a warm node that waits for its function.</summary>
    private StreamWriter? _waiting;

    /// <summary>Done once a warm node has booted and waits (or has died trying).</summary>
    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>The socket of the running shim, or null while it (re)starts.</summary>
    public string? Socket
    {
        get
        {
            var ready = _ready.Task;
            return ready.IsCompletedSuccessfully ? ready.Result : null;
        }
    }

    /// <summary>Starts node and returns once the shim listens; a handler that cannot load fails here.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ResolveNode();
        var first = _ready;
        Launch();
        await first.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A pool worker's node: booted, the shim loaded, no function yet. <see cref="AdoptAsync"/>
    /// gives it one; until then it serves nothing and is never restarted.
    /// </summary>
    public static async Task<NodeProcess> PrewarmAsync(string node, int maxLineBytes, ILogger logger, CancellationToken cancellationToken)
    {
        var warm = new NodeProcess(null, node, maxLineBytes, logger);
        warm.ResolveNode();
        warm.Launch();
        await warm._warm.Task.WaitAsync(cancellationToken);
        return warm;
    }

    /// <summary>
    /// Gives a warm node its function and returns once the handler loaded and the shim listens. A
    /// warm node that died meanwhile is replaced by a fresh start, as <see cref="StartAsync"/>.
    /// </summary>
    public async Task AdoptAsync(LoadedFunction function, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>();
        ChildEnvironment.Apply(environment, function.Config);
        var line = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["dir"] = function.Directory,
            ["handler"] = Path.Combine(function.Directory, function.Config.Handler!),
            ["env"] = environment,
        });
        var first = _ready;
        StreamWriter? waiting;
        lock (_lock)
        {
            _function = function;
            waiting = _waiting;
            _waiting = null;
        }
        try
        {
            if (waiting is null)
            {
                throw new IOException("the warm node has exited");
            }
            await waiting.WriteLineAsync(line.AsMemory(), cancellationToken);
            await waiting.FlushAsync(cancellationToken);
            waiting.Close();
        }
        catch (IOException)
        {
            Launch();
        }
        await first.Task.WaitAsync(cancellationToken);
    }

    private void ResolveNode() =>
        // Resolved once, from the worker's PATH: the function's env may set a PATH of its own.
        _node = _node.Contains('/') ? _node : ProcessGroup.FindOnPath(_node)
            ?? throw new WorkerStartupException($"Node.js ('{_node}') is not on PATH");

    /// <summary>The shim's socket path once it is ready, or null after <paramref name="timeout"/>.</summary>
    public async Task<string?> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            // Never negative: WaitAsync would read -1 ms as "for ever".
            return await _ready.Task.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Kills the node serving <paramref name="socket"/> (and whatever it started); it is restarted
    /// as after a crash. A node that already replaced that one is left alone.
    /// </summary>
    public void Kill(string socket)
    {
        lock (_lock)
        {
            if (Socket != socket)
            {
                return;
            }
            // Not ready from this moment: new requests wait for the next node.
            _ready = NewReady();
            if (_process is { HasExited: false } process)
            {
                ProcessGroup.Kill(process);
            }
        }
    }

    private void Launch()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        // A new socket per start: a dying process may still hold the old one.
        var generation = Interlocked.Increment(ref _generation);
        var socket = Path.Combine(_socketFolder, $"node-{generation}.sock");
        TryDelete(Path.Combine(_socketFolder, $"node-{generation - 1}.sock"));
        var readyToken = $"kk-shim-ready-{Guid.NewGuid():N}";
        var function = _function;
        var info = new ProcessStartInfo(_node)
        {
            // A warm node starts where the worker runs, and moves to the function's folder once it has one.
            WorkingDirectory = function?.Directory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = function is null,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Runtime", "NodeJs", "shim.mjs"));
        info.ArgumentList.Add(socket);
        info.ArgumentList.Add(function is null ? "-" : Path.Combine(function.Directory, function.Config.Handler!));
        info.ArgumentList.Add(readyToken);
        ChildEnvironment.Apply(info.Environment, function?.Config);

        var ready = _ready;
        // Output ends after Exited may fire: the reason a start failed comes last.
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = ProcessGroup.InNewGroup(info), EnableRaisingEvents = true };
        void OnOutput(string line)
        {
            if (line.Length == readyToken.Length + 5 && line.StartsWith(readyToken, StringComparison.Ordinal) && line.EndsWith("-warm", StringComparison.Ordinal))
            {
                _warm.TrySetResult();
            }
            else if (line == readyToken)
            {
                _everReady = true;
                ready.TrySetResult(socket);
            }
            else
            {
                logger.LogInformation("{Line}", line);
            }
        }
        void OnError(string line)
        {
            if (line.StartsWith(StartErrorMarker, StringComparison.Ordinal))
            {
                _startError = line[StartErrorMarker.Length..];
            }
            _lastError = line;
            logger.LogWarning("{Line}", line);
        }
        // Attached before the start, so not even an instant exit goes unseen; the pipes are read once it runs.
        process.Exited += (_, _) => OnExited(process, ready, Task.WhenAll(outputClosed.Task, errorClosed.Task));

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            ready.TrySetException(new WorkerStartupException($"cannot start the Node.js launcher ({info.FileName}): {ex.Message}"));
            process.Dispose();
            return;
        }
        // Each line cut at the worker's bound: a handler printing without newlines cannot fill the worker.
        _ = BoundedLines.PumpAsync(process.StandardOutput.BaseStream, maxLineBytes, OnOutput)
            .ContinueWith(_ => outputClosed.TrySetResult(), TaskScheduler.Default);
        _ = BoundedLines.PumpAsync(process.StandardError.BaseStream, maxLineBytes, OnError)
            .ContinueWith(_ => errorClosed.TrySetResult(), TaskScheduler.Default);
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                // Disposed while this restart was on its way: the new node must not outlive us.
                ProcessGroup.Kill(process);
                return;
            }
            _process?.Dispose();
            _process = process;
            _startedAt = DateTime.UtcNow;
            if (function is null)
            {
                _waiting = process.StandardInput;
            }
        }
    }

    private void OnExited(Process process, TaskCompletionSource<string> ready, Task outputDrained)
    {
        // Whatever node started dies with it, and with them the last holders of its output pipes.
        ProcessGroup.Kill(process);
        if (_everReady)
        {
            lock (_lock)
            {
                // Not ready from now on, before anything slow: requests wait for the next node
                // instead of being sent to a dead socket. A start that died before it was ready
                // leaves its signal pending, and requests waiting on it wait for the next start.
                if (_ready.Task.IsCompleted)
                {
                    _ready = NewReady();
                }
            }
        }
        // The last stderr lines say why; the bound covers a child that left the group.
        outputDrained.Wait(TimeSpan.FromSeconds(2));
        var code = process.ExitCode;
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        if (_function is null)
        {
            // A warm node that died waiting: whoever adopts it starts a fresh one.
            lock (_lock)
            {
                _waiting = null;
            }
            _warm.TrySetResult();
            logger.LogWarning("the warm node exited with code {Code} before it had a function", code);
            return;
        }
        if (!_everReady)
        {
            // The handler never loaded: that is a broken commit, fatal for the worker, not a crash to retry.
            ready.TrySetException(new WorkerStartupException(
                $"the nodejs handler '{_function.Config.Handler}' did not start (node exited with code {code}): {_startError ?? _lastError ?? "no error output"}"));
            return;
        }

        TimeSpan delay;
        lock (_lock)
        {
            _backoff = DateTime.UtcNow - _startedAt > s_stableAfter ? s_firstBackoff : _backoff;
            delay = _backoff;
            _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, s_maxBackoff.Ticks));
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

    // _stopping is never disposed: a restart under way may still look at it after this.
    public async ValueTask DisposeAsync()
    {
        Process? process;
        lock (_lock)
        {
            _stopping.Cancel();
            process = _process;
        }
        if (process is not null)
        {
            if (!process.HasExited)
            {
                ProcessGroup.Kill(process);
            }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(grace.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            process.Dispose();
        }
        try
        {
            Directory.Delete(_socketFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private static TaskCompletionSource<string> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
