using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>The connector host and nats-server as real processes, stopped when disposed.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    public ChildProcess(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, line) => Forward(line.Data);
        _process.ErrorDataReceived += (_, line) => Forward(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
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

    /// <summary>Only warnings and errors reach the bench's output; a healthy run prints none.</summary>
    private static void Forward(string? line)
    {
        if (line is not null && (line.Contains("fail:", StringComparison.Ordinal) || line.Contains("warn:", StringComparison.Ordinal) || line.StartsWith("error", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"  | {line}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForAsync(Func<Task<bool>> ready, string what)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{what} did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
