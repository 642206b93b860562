namespace Klusterkluck.Connectors.Outbox;

/// <summary>
/// Exponential backoff with jitter: the wait doubles with every failed attempt up to a cap, and
/// half of it is random, so connectors retrying against one target do not retry in step.
/// </summary>
internal static class Backoff
{
    public static TimeSpan Delay(int failedAttempts, TimeSpan initial, TimeSpan max)
    {
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ceiling = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
