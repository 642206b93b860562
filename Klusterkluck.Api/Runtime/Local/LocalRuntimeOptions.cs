using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>Section <c>Runtime:Local</c>: how worker processes are started and supervised.</summary>
public sealed class LocalRuntimeOptions
{
    public const string Section = "Runtime:Local";

    /// <summary>The worker's assembly; default: <c>worker/Klusterkluck.Worker.dll</c> beside the Api, where its build puts it.</summary>
    public string? WorkerAssembly { get; set; }

    /// <summary>How long a new worker may take to answer /healthz before its deploy fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a replaced revision may finish its requests in flight before it is stopped.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:20:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between restarts of a worker that keeps crashing (it starts at 1 s and doubles).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running worker's /healthz is probed; after three failures in a row it is killed and restarted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Output lines kept per replica for the logs endpoint.</summary>
    [Range(10, 100_000)]
    public int LogLines { get; set; } = 1000;

    /// <summary>
    /// Warm workers kept for each kind that has a function with no minimum (a cold start takes one:
    /// DESIGN.md, "Warm pools"); 0 disables the pool, and every cold start starts a worker from nothing.
    /// </summary>
    [Range(0, 64)]
    public int PoolSize { get; set; } = 1;

    public string ResolvedWorkerAssembly =>
        Path.GetFullPath(WorkerAssembly is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "worker", "Klusterkluck.Worker.dll"));
}
