using System.Collections.Concurrent;
using System.Diagnostics;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// Starts child processes from one thread that lives as long as the Api. A sandbox started with
/// --die-with-parent gets a parent-death signal, and Linux sends it when the forking *thread*
/// exits: forked from a pool thread that the runtime later retires, a healthy worker would die.
/// </summary>
internal static class Spawner
{
    private static readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> s_queue = [];

    static Spawner()
    {
        new Thread(Run) { IsBackground = true, Name = "kk-spawner" }.Start();
    }

    /// <summary>Starts <paramref name="process"/> on the spawner thread; throws what <see cref="Process.Start()"/> throws.</summary>
    public static void Start(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_queue.Add((process, started));
        started.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var (process, started) in s_queue.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}
