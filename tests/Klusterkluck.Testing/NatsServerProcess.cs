using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Klusterkluck.Testing;

/// <summary>
/// A real nats-server (Debian's package, installed by scripts/install-test-deps.sh) on a free
/// loopback port, with JetStream storing into a folder of its own; killed and its store deleted
/// when disposed. Used by the connector tests and bench/connectors.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly TempFolder _store = new();
    private readonly Process _process;

    private NatsServerProcess(int port)
    {
        var info = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-js", "-sd", _store.Path })
        {
            info.ArgumentList.Add(argument);
        }
        _process = Process.Start(info)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Url = $"nats://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>On PATH, or where Debian puts it (/usr/sbin, not on every user's PATH).</summary>
    private static string Program =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "nats-server")).FirstOrDefault(File.Exists) ?? "/usr/sbin/nats-server";

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public static async Task<NatsServerProcess> StartAsync()
    {
        var port = ServiceProcess.FreePort();
        var server = new NatsServerProcess(port);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with {server._process.ExitCode}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        await server.DisposeAsync();
        throw new TimeoutException("nats-server did not listen in time");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _store.Dispose();
    }
}
