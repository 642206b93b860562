using System.Diagnostics;
using Klusterkluck.Connectors;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// One connector instance as a process of the connector host, restarted with backoff whenever it
/// exits on its own (exit code 1: it failed while running), its error then the failed run's
/// reason line (<see cref="ConnectorFailure"/>) and exit code. Exit code 2 means its settings keep it
/// from starting at all: it stays failed, with the host's one line as the reason, until redeployed.
/// A connector that listens (<see cref="ConnectorDeployment.Listen"/>) gets 127.0.0.1 and a port
/// the kernel picks as it binds (port 0, so no other process can take it between a pick and the
/// bind); it says which in a <see cref="ConnectorLines.Listening"/> line. Restarts ask for that
/// port again, so its address stays; if it is taken meanwhile, the next start takes a new one.
/// </summary>
/// <param name="port">The port an earlier instance of the same node listened on, to keep its address across a redeploy; 0 for none.</param>
internal sealed partial class LocalConnector(ConnectorDeployment deployment, string hostAssembly, LocalRuntimeOptions options, ILogger logger, int port = 0)
{
    private const int ConfigurationExitCode = 2;

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private int _launches;
    private DateTimeOffset _launchedAt;
    private int _port = port;
    private volatile string? _url;

    public ConnectorDeployment Deployment => deployment;

    public LogBuffer Log { get; } = new(options.LogLines);

    public string State { get; private set; } = "running";

    public int Restarts { get; private set; }

    public string? Error { get; private set; }

    public int? ProcessId => ChildProcess.IdOf(_process);

    /// <summary>Where the running process said it listens, or null (it does not listen, or has not said yet).</summary>
    public string? Url => _url;

    /// <summary>The loopback port it listens on, or last listened on; 0 for none.</summary>
    public int Port => Volatile.Read(ref _port);

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
        var launch = Interlocked.Increment(ref _launches);
        _url = null;
        _launchedAt = DateTimeOffset.UtcNow;
        var process = ChildProcess.Create(hostAssembly, deployment.Id.ToString());
        foreach (var (name, value) in deployment.Environment)
        {
            process.StartInfo.Environment[name] = value;
        }
        if (deployment.Listen is { } listen)
        {
            process.StartInfo.Environment[listen] = $"http://127.0.0.1:{Port}";
        }
        process.StartInfo.Environment["KK_CONNECTOR"] = deployment.Plugin;
        // Health on a port of its own choosing: nothing probes a local connector, and a fixed port would collide.
        process.StartInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var previous = _process;
        _process = process;
        previous?.Dispose();
        ChildProcess.Start(process, Log, text => OnOutput(launch, text));
        State = "running";
    }

    private void OnOutput(int launch, string text)
    {
        if (launch != Volatile.Read(ref _launches) || !text.StartsWith(ConnectorLines.Listening, StringComparison.Ordinal))
        {
            return;
        }
        var address = text[ConnectorLines.Listening.Length..].Trim();
        _url ??= address;
        if (deployment.Listen is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            Volatile.Write(ref _port, uri.Port);
        }
    }

    private async Task SuperviseAsync()
    {
        var delays = new RestartDelay(options.MaxRestartDelay);
        while (true)
        {
            try
            {
                var running = Stopwatch.StartNew();
                var process = _process!;
                await ChildProcess.WaitForExitAsync(process, _stopping.Token);
                var exitCode = process.ExitCode;
                var listened = _url is not null;
                _url = null;
                if (exitCode == ConfigurationExitCode)
                {
                    // The reason first: a reader that sees "failed" finds it.
                    Error = Log.Snapshot().LastOrDefault(l => l.Stream == "stderr")?.Text ?? "the connector could not start (exit code 2)";
                    State = "failed";
                    LogCannotStart(logger, deployment.Id.ToString(), Error);
                    return;
                }
                if (!listened && deployment.Listen is not null)
                {
                    // It ended before it listened: perhaps its port was taken while it was down. A new one then.
                    Volatile.Write(ref _port, 0);
                }
                // The failed instance's own lines (the buffer spans restarts), before its state says restarting.
                Error = ConnectorFailure.Describe(ConnectorFailure.ReasonOf(Log.Snapshot().Where(l => l.Time >= _launchedAt).Select(l => l.Text)), exitCode);
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
                Error = $"cannot start the connector host: {e.Message}";
                State = "failed";
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
