using System.Diagnostics;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// One replica of a function: a worker process, restarted with backoff whenever it exits on its
/// own. It takes requests only while its worker answers /healthz.
/// </summary>
internal sealed partial class WorkerReplica(
    int index, FunctionDeployment deployment, WorkerLauncher launcher, FunctionHttp http, LocalRuntimeOptions options, ILogger logger)
{
    /// <summary>A worker that served this long before it died is restarted after the shortest delay again.</summary>
    private static readonly TimeSpan s_healthyRun = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_firstRestartDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private volatile string? _address;

    public int Index => index;

    public LogBuffer Log { get; } = new(options.LogLines);

    /// <summary>starting, ready, restarting or stopped.</summary>
    public string State { get; private set; } = "starting";

    public int Restarts { get; private set; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

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
        State = "stopped";
        await _stopping.CancelAsync();
        await TerminateAsync(_process);
        await _supervision;
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var port = WorkerLauncher.FreePort();
        Process process;
        try
        {
            process = launcher.Start(deployment, port, Log);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DeployException($"cannot start the worker: {e.Message}");
        }
        _process = process;
        var address = $"http://127.0.0.1:{port}/";
        var deadline = Stopwatch.StartNew();
        try
        {
            while (!await IsReadyAsync(address, cancellationToken))
            {
                if (process.HasExited)
                {
                    await process.WaitForExitAsync(CancellationToken.None);
                    throw new DeployException(Reason(Log.LastError()) ?? $"the worker exited with code {process.ExitCode} before it was ready");
                }
                if (deadline.Elapsed > options.ReadyTimeout)
                {
                    throw new DeployException($"the worker was not ready within {options.ReadyTimeout.TotalSeconds:0} s");
                }
                await Task.Delay(25, cancellationToken);
            }
        }
        catch
        {
            await TerminateAsync(process);
            throw;
        }
        _address = address;
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
        var delay = s_firstRestartDelay;
        var readySince = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await _process!.WaitForExitAsync(_stopping.Token);
                _address = null;
                State = "restarting";
                Restarts++;
                if (readySince.Elapsed > s_healthyRun)
                {
                    delay = s_firstRestartDelay;
                }
                LogRestart(logger, deployment.Id.ToString(), index, _process.ExitCode, delay.TotalSeconds);
                await Task.Delay(delay, _stopping.Token);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRestartDelay.Ticks));
                await LaunchAsync(_stopping.Token);
                readySince.Restart();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (DeployException e)
            {
                LogRestartFailed(logger, deployment.Id.ToString(), index, e.Message);
            }
        }
    }

    /// <summary>SIGTERM (the worker stops its function's processes), then SIGKILL after a grace period.</summary>
    private static async Task TerminateAsync(Process? process)
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        Signals.Terminate(process.Id);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>The worker's one line without its prefix: the reason the owner needs.</summary>
    private static string? Reason(string? line) => line?["klusterkluck-worker: ".Length..];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Function} replica {Replica} exited with code {ExitCode}; restarting in {Delay} s")]
    private static partial void LogRestart(ILogger logger, string function, int replica, int exitCode, double delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Function} replica {Replica} did not restart: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string function, int replica, string reason);
}
