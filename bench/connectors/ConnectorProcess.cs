using System.Diagnostics;
using Klusterkluck.Testing;

/// <summary>The connector host under load: a real process (the tests' ServiceProcess), with the CPU it spends.</summary>
internal sealed class ConnectorProcess : IAsyncDisposable
{
    private readonly ServiceProcess _host;
    private readonly Process _process;

    private ConnectorProcess(ServiceProcess host)
    {
        _host = host;
        _process = Process.GetProcessById(host.ProcessId);
    }

    /// <summary>Starts the host and waits until it answers /health.</summary>
    public static async Task<ConnectorProcess> StartAsync(string hostAssembly, IReadOnlyDictionary<string, string> environment)
    {
        var host = ServiceProcess.Start(hostAssembly, environment);
        await host.WaitReadyAsync("/health");
        return new ConnectorProcess(host);
    }

    /// <summary>CPU time the process has used so far, user and system.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Only warnings and errors reach the bench's output; a healthy run prints none.
        foreach (var line in _host.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("warn:", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"  | {line}");
        }
        _process.Dispose();
        await _host.DisposeAsync();
    }
}
