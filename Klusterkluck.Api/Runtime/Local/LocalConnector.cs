using System.Diagnostics;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// One connector instance as a process of the connector host, restarted with backoff whenever it
/// exits on its own (exit code 1: it failed while running). Exit code 2 means its settings keep it
/// from starting at all: it stays failed, with the host's one line as the reason, until redeployed.
/// </summary>
internal sealed partial class LocalConnector(ConnectorDeployment deployment, string hostAssembly, LocalRuntimeOptions options, ILogger logger)
{
    private const int ConfigurationExitCode = 2;

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;

    public ConnectorDeployment Deployment => deployment;

    public LogBuffer Log { get; } = new(options.LogLines);

    public string State { get; private set; } = "running";

    public int Restarts { get; private set; }

    public string? Error { get; private set; }

    public int? ProcessId => ChildProcess.IdOf(_process);

    public void Start()
    {
        Launch();
        _supervision = SuperviseAsync();
    }

    /// <summary>SIGTERM: the host stops taking events and drains its buffer (KK_DRAIN_TIMEOUT) before it exits.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _supervision;
        await ChildProcess.TerminateAsync(_process, TimeSpan.FromSeconds(30));
        State = "stopped";
        _process?.Dispose();
    }

    private void Launch()
    {
        var process = ChildProcess.Create(hostAssembly, Log, deployment.Id.ToString());
        foreach (var (name, value) in deployment.Environment)
        {
            process.StartInfo.Environment[name] = value;
        }
        process.StartInfo.Environment["KK_CONNECTOR"] = deployment.Plugin;
        // Health on a port of its own choosing: nothing probes a local connector, and a fixed port would collide.
        process.StartInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var previous = _process;
        _process = process;
        previous?.Dispose();
        ChildProcess.Start(process);
        State = "running";
    }

    private async Task SuperviseAsync()
    {
        var delays = new RestartDelay(options.MaxRestartDelay);
        while (true)
        {
            try
            {
                var running = Stopwatch.StartNew();
                await _process!.WaitForExitAsync(_stopping.Token);
                var exitCode = _process.ExitCode;
                if (exitCode == ConfigurationExitCode)
                {
                    State = "failed";
                    Error = Log.Snapshot().LastOrDefault(l => l.Stream == "stderr")?.Text ?? "the connector could not start (exit code 2)";
                    LogCannotStart(logger, deployment.Id.ToString(), Error);
                    return;
                }
                State = "restarting";
                Restarts++;
                var delay = delays.Next(running.Elapsed);
                LogRestart(logger, deployment.Id.ToString(), exitCode, delay.TotalSeconds);
                await Task.Delay(delay, _stopping.Token);
                Launch();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                State = "failed";
                Error = $"cannot start the connector host: {e.Message}";
                LogCannotStart(logger, deployment.Id.ToString(), Error);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Connector} exited with code {ExitCode}; restarting in {Delay} s")]
    private static partial void LogRestart(ILogger logger, string connector, int exitCode, double delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Connector} cannot start: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string connector, string reason);
}
