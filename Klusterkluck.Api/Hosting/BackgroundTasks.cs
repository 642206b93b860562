using System.Collections.Concurrent;

namespace Klusterkluck.Api.Hosting;

/// <summary>Work started in the background and not awaited by its caller, which shutdown must still wait for.</summary>
public sealed class BackgroundTasks
{
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public void Track(Task task)
    {
        _running.TryAdd(task, true);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Completes when everything tracked so far has.</summary>
    public Task WhenAll() => Task.WhenAll(_running.Keys);
}
