namespace Klusterkluck.Api.Runtime.Scaling;

/// <summary>Samples of requests in flight, kept for one stable window, averaged over it or over its most recent part.</summary>
public sealed class ConcurrencyWindow(TimeSpan length)
{
    private readonly Queue<(long At, double Value)> _samples = new();

    public void Add(long atMilliseconds, double value)
    {
        _samples.Enqueue((atMilliseconds, value));
        while (_samples.Count > 0 && _samples.Peek().At <= atMilliseconds - (long)length.TotalMilliseconds)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>The average of the samples of the last <paramref name="span"/> before <paramref name="nowMilliseconds"/>; 0 with none.</summary>
    public double Average(long nowMilliseconds, TimeSpan span)
    {
        var from = nowMilliseconds - (long)span.TotalMilliseconds;
        var (sum, count) = (0.0, 0);
        foreach (var (at, value) in _samples)
        {
            if (at > from)
            {
                (sum, count) = (sum + value, count + 1);
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
