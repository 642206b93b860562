using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Klusterkluck.Api.Git;
using Klusterkluck.Functions;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Local.Pool;

/// <summary>A pool worker waiting for its function: started, warmed, listening at <paramref name="Address"/>.</summary>
internal sealed record PoolWorker(string Kind, Process Process, string Address, string Key, int Depth, LogBuffer Log);

/// <summary>
/// Warm workers for cold starts (DESIGN.md, "Warm pools"): for each kind that has a function with
/// no minimum, <see cref="LocalRuntimeOptions.PoolSize"/> workers that have started .NET, Kestrel
/// and (nodejs) node, but hold no function. A cold start takes one and hands it the function's
/// code; the pool refills in the background. Each pool worker runs as a fresh uid, takes one
/// function once and leaves with it, so no tenant's code ever shares a process with another's.
/// </summary>
internal sealed partial class WarmPool(
    WorkerLauncher launcher, FunctionHttp http, Repositories repositories, IOptions<LocalRuntimeOptions> options,
    IOptions<Limits.LimitsOptions> limits, ILogger<WarmPool> logger) : IAsyncDisposable
{
    /// <summary>After a pool worker that never got warm, its kind waits this long before the next try.</summary>
    private static readonly TimeSpan s_retryAfterFailure = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<PoolWorker>> _ready = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _starting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wanted = new(StringComparer.Ordinal);
    private readonly BackgroundTasks _refills = new();
    private readonly CancellationTokenSource _disposing = new();
    private int _serial;
    private bool _disposed;

    private int Size => options.Value.PoolSize;

    /// <summary>Keeps workers warm for <paramref name="kind"/> from now on (a function with no minimum was deployed).</summary>
    public void Want(string? kind)
    {
        if (Size == 0 || string.IsNullOrEmpty(kind))
        {
            return;
        }
        lock (_lock)
        {
            _wanted.Add(kind);
        }
        Refill(kind);
    }

    /// <summary>Warm workers of <paramref name="kind"/> waiting now.</summary>
    public int Waiting(string kind)
    {
        lock (_lock)
        {
            return _ready.TryGetValue(kind, out var ready) ? ready.Count : 0;
        }
    }

    /// <summary>Takes a warm worker for the deployment's kind, if one waits with the limits it needs; the pool refills.</summary>
    public bool TryTake(FunctionDeployment deployment, out PoolWorker worker)
    {
        worker = null!;
        if (deployment.Kind is not { } kind || deployment.Limits != limits.Value.Workers)
        {
            return false;
        }
        lock (_lock)
        {
            if (!_ready.TryGetValue(kind, out var ready))
            {
                return false;
            }
            while (ready.TryDequeue(out var candidate))
            {
                if (!candidate.Process.HasExited)
                {
                    worker = candidate;
                    break;
                }
            }
        }
        Refill(kind);
        return worker is not null;
    }

    /// <summary>
    /// Gives <paramref name="worker"/> the deployment's code (its build, or its commit's tree) and
    /// identity; completes with its address once it serves. A worker that refuses is killed, and
    /// its reason thrown as the deploy's.
    /// </summary>
    public async Task<string> HandOverAsync(PoolWorker worker, FunctionDeployment deployment, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, worker.Address.TrimEnd('/') + PoolProtocol.Path);
        request.Headers.Add(PoolProtocol.KeyHeader, worker.Key);
        launcher.DescribeHandOver(deployment, request);
        if (deployment.Artifact is { } artifact)
        {
            request.Headers.Add(PoolProtocol.ArchiveHeader, PoolProtocol.Build);
            request.Content = new StreamContent(File.OpenRead(artifact));
        }
        else
        {
            request.Headers.Add(PoolProtocol.ArchiveHeader, PoolProtocol.Tree);
            var repository = repositories.PathOf(deployment.Id.User, deployment.Id.Name);
            request.Content = new TreeContent(repository, deployment.Commit);
        }
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.Value.ReadyTimeout);
            using var response = await http.Invoker.SendAsync(request, deadline.Token);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return worker.Address;
            }
            var problem = await ProblemOf(response, deadline.Token);
            throw new DeployException(problem);
        }
        catch (Exception e) when (e is not DeployException)
        {
            throw new DeployException(cancellationToken.IsCancellationRequested ? "the start was cancelled"
                : e is OperationCanceledException ? $"the worker was not ready within {options.Value.ReadyTimeout.TotalSeconds:0} s"
                : $"the pool worker did not take the function: {OneLine.Of(e.Message)}");
        }
        finally
        {
            request.Content.Dispose();
        }
    }

    private static async Task<string> ProblemOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(response.Content, cancellationToken);
            return problem?.Detail ?? problem?.Title ?? $"the pool worker answered {(int)response.StatusCode}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"the pool worker answered {(int)response.StatusCode}";
        }
    }

    /// <summary>Starts workers for <paramref name="kind"/> until as many wait or start as the pool keeps.</summary>
    private void Refill(string kind)
    {
        int missing;
        lock (_lock)
        {
            if (_disposed || !_wanted.Contains(kind))
            {
                return;
            }
            var waiting = _ready.TryGetValue(kind, out var ready) ? ready.Count : 0;
            var starting = _starting.GetValueOrDefault(kind);
            missing = Size - waiting - starting;
            if (missing <= 0)
            {
                return;
            }
            _starting[kind] = starting + missing;
        }
        for (var i = 0; i < missing; i++)
        {
            _refills.Track(StartOneAsync(kind));
        }
    }

    private async Task StartOneAsync(string kind)
    {
        // Off the caller's path: a cold start that took a worker does not wait for its successor.
        await Task.Yield();
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var serial = Interlocked.Increment(ref _serial);
        var log = new LogBuffer(options.Value.LogLines);
        var warm = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Launched? launched = null;
        var succeeded = false;
        try
        {
            // A uid name no user can have ('~' is not allowed in user names): a fresh uid per pool worker.
            launched = launcher.StartPooled(kind, key, $"~pool-{serial}", limits.Value.Workers, log, warm);
            var process = launched.Process;
            var exited = process.WaitForExitAsync();
            var ready = await Task.WhenAny(warm.Task, exited, Task.Delay(options.Value.ReadyTimeout, _disposing.Token));
            if (ready != warm.Task)
            {
                LogNotWarm(logger, kind, OneLine.Of(log.LastError() ?? "no output"));
                await ChildProcess.TerminateAsync(process, TimeSpan.FromSeconds(5));
                return;
            }
            var worker = new PoolWorker(kind, process, warm.Task.Result, key, launched.Depth, log);
            lock (_lock)
            {
                if (!_disposed)
                {
                    if (!_ready.TryGetValue(kind, out var queue))
                    {
                        _ready[kind] = queue = new Queue<PoolWorker>();
                    }
                    queue.Enqueue(worker);
                    succeeded = true;
                }
            }
            if (!succeeded)
            {
                await ChildProcess.TerminateAsync(process, TimeSpan.FromSeconds(5));
                return;
            }
            LogWaiting(logger, kind, ChildProcess.IdOf(process, launched.Depth) ?? 0);
            // A pool worker that dies while it waits is replaced.
            _ = exited.ContinueWith(_ => Replace(worker), TaskScheduler.Default);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            LogNotWarm(logger, kind, e.Message);
        }
        finally
        {
            lock (_lock)
            {
                _starting[kind] = _starting.GetValueOrDefault(kind) - 1;
            }
            if (!succeeded)
            {
                _refills.Track(RetryLaterAsync(kind));
            }
        }
    }

    private async Task RetryLaterAsync(string kind)
    {
        try
        {
            await Task.Delay(s_retryAfterFailure, _disposing.Token);
            Refill(kind);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Replace(PoolWorker worker)
    {
        bool waited;
        lock (_lock)
        {
            waited = _ready.TryGetValue(worker.Kind, out var queue) && queue.Contains(worker);
            if (waited)
            {
                _ready[worker.Kind] = new Queue<PoolWorker>(queue!.Where(w => w != worker));
            }
        }
        if (waited)
        {
            LogDied(logger, worker.Kind, worker.Process.ExitCode);
            Refill(worker.Kind);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Process[] waiting;
        lock (_lock)
        {
            _disposed = true;
            waiting = [.. _ready.Values.SelectMany(q => q).Select(w => w.Process)];
            _ready.Clear();
        }
        await _disposing.CancelAsync();
        await Task.WhenAll(waiting.Select(p => ChildProcess.TerminateAsync(p, TimeSpan.FromSeconds(5))));
        await _refills.WhenAll();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A pool worker for {Kind} waits: process {ProcessId}")]
    private static partial void LogWaiting(ILogger logger, string kind, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pool worker for {Kind} did not get warm: {Reason}")]
    private static partial void LogNotWarm(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A waiting pool worker for {Kind} exited with code {ExitCode}; starting another")]
    private static partial void LogDied(ILogger logger, string kind, int exitCode);
}
