using System.Diagnostics;
using System.Net.Sockets;
using NATS.Client.Core;

namespace Klusterkluck.Connectors.Tests.Infrastructure;

/// <summary>
/// A real nats-server (Debian's package, installed by scripts/install-test-deps.sh) on a free
/// loopback port, with JetStream storing into a folder of its own; one per test class.
/// </summary>
public sealed class NatsServer : IAsyncLifetime
{
    private readonly TempFolder _store = new();
    private Process? _process;

    public string Url { get; private set; } = "";

    /// <summary>On PATH, or where Debian puts it (/usr/sbin, not on every user's PATH).</summary>
    private static string Program =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "nats-server")).FirstOrDefault(File.Exists) ?? "/usr/sbin/nats-server";

    public NatsConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = ServiceProcess.FreePort();
        var info = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", _store.Path })
        {
            info.ArgumentList.Add(argument);
        }
        _process = Process.Start(info)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Url = $"nats://127.0.0.1:{port}";
        await WaitListeningAsync(port);
        Connection = new NatsConnection(NatsOpts.Default with { Url = Url, Name = "tests" });
        await Connection.ConnectAsync();
    }

    private async Task WaitListeningAsync(int port)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with {_process.ExitCode}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("nats-server did not listen in time");
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _store.Dispose();
    }
}
