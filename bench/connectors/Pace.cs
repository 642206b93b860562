using System.Diagnostics;

/// <summary>
/// Offered load at a fixed rate, shared by every sender: ticket n is due n/rate seconds after
/// the start, so latency is measured at a known rate rather than at saturation.
/// </summary>
internal sealed class Pace(double rate)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _ticket;

    /// <summary>Waits until the next ticket is due.</summary>
    public async ValueTask WaitAsync()
    {
        var ticket = Interlocked.Increment(ref _ticket);
        var due = _start + (long)(ticket / rate * Stopwatch.Frequency);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }
    }
}
