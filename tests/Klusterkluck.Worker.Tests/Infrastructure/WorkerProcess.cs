using System.Net;
using System.Reflection;
using Klusterkluck.Testing;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>The worker started as a real process on a free loopback port, as the runtime starts it.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly string s_workerAssembly = typeof(WorkerProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerAssembly").Value!;

    private readonly ServiceProcess _process;

    private WorkerProcess(IReadOnlyDictionary<string, string> environment) => _process = ServiceProcess.Start(s_workerAssembly, environment);

    public int Port => _process.Port;

    public HttpClient Client => _process.Client;

    public int ProcessId => _process.ProcessId;

    /// <summary>Everything the worker printed so far, stdout and stderr interleaved.</summary>
    public string Output => _process.Output;

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
        var exitCode = await worker._process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, worker.Output);
    }

    public Task WaitReadyAsync() => _process.WaitReadyAsync("/healthz");

    /// <summary>The status of the first /healthz request that gets an answer at all.</summary>
    public Task<HttpStatusCode> FirstHealthzAnswerAsync() => _process.FirstAnswerAsync("/healthz");

    /// <summary>Waits until the worker printed a line containing <paramref name="text"/>.</summary>
    public Task<bool> WaitForOutputAsync(string text, TimeSpan? timeout = null) => _process.WaitForOutputAsync(text, timeout);

    /// <summary>The most memory the worker process ever held (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes() => _process.PeakMemoryBytes();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
