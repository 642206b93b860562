using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>The worker started as a real process on a free loopback port, as the runtime starts it.</summary>
public sealed partial class WorkerProcess : IAsyncDisposable
{
    private static readonly string s_workerAssembly = typeof(WorkerProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerAssembly").Value!;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(IReadOnlyDictionary<string, string> environment)
    {
        Port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(s_workerAssembly);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, line) => Collect(line.Data);
        _process.ErrorDataReceived += (_, line) => Collect(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>Everything the worker printed so far, stdout and stderr interleaved.</summary>
    public string Output => string.Join('\n', _output);

    public static Dictionary<string, string> Env(GitRepo repo, string commit) => new()
    {
        ["KK_GIT_URL"] = repo.FileUrl,
        ["KK_GIT_COMMIT"] = commit,
        ["KK_FUNCTION"] = "alice/hello",
    };

    /// <summary>Starts a worker without waiting for it.</summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string> environment) => new(environment);

    /// <summary>Starts a worker and waits until /healthz says it is ready.</summary>
    public static async Task<WorkerProcess> StartReadyAsync(IReadOnlyDictionary<string, string> environment)
    {
        var worker = new WorkerProcess(environment);
        await worker.WaitReadyAsync();
        return worker;
    }

    public static async Task<WorkerProcess> StartReadyAsync(GitRepo repo, string commit) =>
        await StartReadyAsync(Env(repo, commit));

    /// <summary>Starts a worker that is expected to give up; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        await using var worker = new WorkerProcess(environment);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await worker._process.WaitForExitAsync(timeout.Token);
        worker._process.WaitForExit();
        return (worker._process.ExitCode, worker.Output);
    }

    public async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"worker exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"worker not ready after 60 s:\n{Output}");
    }

    /// <summary>The status of the first /healthz request that gets an answer at all.</summary>
    public async Task<HttpStatusCode> FirstHealthzAnswerAsync()
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            try
            {
                using var response = await Client.GetAsync("/healthz");
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(25);
            }
        }
        throw new TimeoutException($"worker never answered:\n{Output}");
    }

    /// <summary>Waits until the worker printed a line containing <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>The most memory the worker process ever held (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial int kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM first, as Kubernetes and the local runtime stop workers, so it cleans up its children.
            kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
