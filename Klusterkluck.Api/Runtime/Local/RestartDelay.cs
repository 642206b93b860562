namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// How long a supervised process (a worker replica, a connector) waits before its next restart:
/// 1 s, doubling on each restart up to <paramref name="max"/>. Only a process that had run for a
/// while before it died earns the shortest wait again; one that keeps crashing waits longer each time.
/// </summary>
internal sealed class RestartDelay(TimeSpan max)
{
    private static readonly TimeSpan s_first = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_healthyRun = TimeSpan.FromMinutes(1);

    private TimeSpan _next = s_first;

    /// <summary>The wait before restarting a process that ran for <paramref name="ran"/>.</summary>
    public TimeSpan Next(TimeSpan ran)
    {
        if (ran > s_healthyRun)
        {
            _next = s_first;
        }
        var wait = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, max.Ticks));
        return wait;
    }
}
