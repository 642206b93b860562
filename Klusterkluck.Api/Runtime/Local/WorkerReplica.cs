using System.Diagnostics;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// One replica of a function: a worker process, restarted with backoff whenever it exits on its
/// own, and killed (then restarted) when it stops answering /healthz. It takes requests only
/// while its worker answers.
/// </summary>
internal sealed partial class WorkerReplica(
    int index, FunctionDeployment deployment, WorkerLauncher launcher, FunctionHttp http, LocalRuntimeOptions options, ILogger logger,
    Pool.WarmPool? pool = null) : IInFlight
{
    /// <summary>A cold start's replica: its first worker comes from the warm pool when one waits there.</summary>
    public bool FromPool { get; set; }

    /// <summary>Whether its worker came warm from the pool.</summary>
    public bool Pooled { get; private set; }

    private int _inFlight;

    /// <summary>The revision that counts this replica's requests too.</summary>
    public IInFlight? Owner { get; set; }

    /// <summary>Requests on their way through this replica now: a replica removed by scale-down stops once this is 0.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        Interlocked.Decrement(ref _inFlight);
        Owner?.Exit();
    }

    /// <summary>Consecutive failed probes after which a running worker counts as hung.</summary>
    private const int MaxFailedProbes = 3;

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private volatile string? _address;
    private int _depth;

    public int Index => index;

    /// <summary>The worker's output; a pool worker's from its own start.</summary>
    public LogBuffer Log { get; private set; } = new(options.LogLines);

    /// <summary>starting, ready, unresponsive, restarting or stopped.</summary>
    public string State { get; private set; } = "starting";

    public int Restarts { get; private set; }

    /// <summary>The worker's own process (inside its sandbox, if it has one).</summary>
    public int? ProcessId => ChildProcess.IdOf(_process, _depth);

    /// <summary>The worker's base address while it is ready, else null.</summary>
    public string? Address => _address;

    /// <summary>Starts the worker and waits until it is ready; from then on it is kept running.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await LaunchAsync(linked.Token);
        _supervision = SuperviseAsync();
    }

    public async Task StopAsync()
    {
        _address = null;
        // Supervision first, so that nothing relaunches or marks it ready meanwhile; then the process.
        await _stopping.CancelAsync();
        await _supervision;
        await TerminateAsync(_process);
        _address = null;
        State = "stopped";
        _process?.Dispose();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        Launched launched;
        try
        {
            if (FromPool && _process is null && pool is not null && pool.TryTake(deployment, out var warm))
            {
                launched = new Launched(warm.Process, pool.HandOverAsync(warm, deployment, cancellationToken), warm.Depth, warm.Log);
                Log = warm.Log;
                Pooled = true;
            }
            else
            {
                launched = launcher.Start(deployment, Log);
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DeployException($"cannot start the worker: {e.Message}");
        }
        var process = launched.Process;
        var previous = _process;
        _process = process;
        _depth = launched.Depth;
        previous?.Dispose();
        var deadline = Stopwatch.StartNew();
        try
        {
            while (!(launched.Address.IsCompletedSuccessfully && await IsReadyAsync(launched.Address.Result, cancellationToken)))
            {
                if (launched.Address.Exception?.InnerException is { } handOver)
                {
                    // The pool worker refused its function: its reason is the deploy's.
                    throw handOver;
                }
                if (process.HasExited)
                {
                    await ChildProcess.WaitForExitAsync(process, CancellationToken.None);
                    throw new DeployException(Reason(Log.LastError()) ?? $"the worker exited with code {process.ExitCode} before it was ready");
                }
                if (deadline.Elapsed > options.ReadyTimeout)
                {
                    throw new DeployException($"the worker was not ready within {options.ReadyTimeout.TotalSeconds:0} s");
                }
                // Woken as soon as the worker says where it listens (or a hand-over is done), else every 25 ms.
                await Task.WhenAny(launched.Address, Task.Delay(25, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            await TerminateAsync(process);
            throw;
        }
        _address = launched.Address.Result;
        State = "ready";
    }

    private async Task<bool> IsReadyAsync(string address, CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, address + "healthz");
            using var response = await http.Invoker.SendAsync(request, probe.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task SuperviseAsync()
    {
        var delays = new RestartDelay(options.MaxRestartDelay);
        while (true)
        {
            try
            {
                var ready = Stopwatch.StartNew();
                await WatchAsync(_process!);
                _address = null;
                State = "restarting";
                Restarts++;
                // Only a worker that had itself been serving for a while earns the short delay again.
                var delay = delays.Next(ready.Elapsed);
                LogRestart(logger, deployment.Id.ToString(), index, _process!.ExitCode, delay.TotalSeconds);
                using var span = Hosting.ApiTelemetry.Start(Hosting.ApiTelemetry.Runtime, $"restart {deployment.Id}", deployment.Id.User,
                    deployment.Id.Name, deployment.Commit)?.SetTag("klusterkluck.replica", index).SetTag("process.exit.code", _process.ExitCode);
                await Task.Delay(delay, _stopping.Token);
                await LaunchAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A launch that failed (DeployException) or could not even fork: the failed
                // process has exited, so the next turn waits out the (grown) delay and tries again.
                LogRestartFailed(logger, deployment.Id.ToString(), index, e.Message);
            }
        }
    }

    /// <summary>
    /// Returns when the worker has exited. A worker that stops answering /healthz is out of the
    /// rotation at once, and killed after several failed probes in a row (a hung process never exits by itself).
    /// </summary>
    private async Task WatchAsync(Process process)
    {
        var failed = 0;
        var address = _address;
        while (!process.HasExited)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            tick.CancelAfter(options.ProbeInterval);
            try
            {
                await process.WaitForExitAsync(tick.Token);
                break;
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
            }
            if (address is null || await IsReadyAsync(address, _stopping.Token))
            {
                failed = 0;
                _address = address;
                State = "ready";
                continue;
            }
            _address = null;
            State = "unresponsive";
            if (++failed >= MaxFailedProbes)
            {
                LogHung(logger, deployment.Id.ToString(), index, failed);
                process.Kill(entireProcessTree: true);
            }
        }
        await process.WaitForExitAsync(_stopping.Token);
    }

    private static Task TerminateAsync(Process? process) => ChildProcess.TerminateAsync(process, TimeSpan.FromSeconds(10));

    /// <summary>The worker's one line without its prefix: the reason the owner needs.</summary>
    private static string? Reason(string? line) => line?[WorkerLines.Prefix.Length..];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Function} replica {Replica} exited with code {ExitCode}; restarting in {Delay} s")]
    private static partial void LogRestart(ILogger logger, string function, int replica, int exitCode, double delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Function} replica {Replica} did not restart: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string function, int replica, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Function} replica {Replica} failed {Probes} health probes in a row; killing it")]
    private static partial void LogHung(ILogger logger, string function, int replica, int probes);
}
