namespace Klusterkluck.WebConsole.Components.Shared;

/// <summary>
/// A page reading something again on a timer (a deploy, the list, logs): while it is wanted, for a
/// bounded number of rounds, and no longer than the page lives (its token).
/// </summary>
internal static class Polling
{
    public static async Task WhileAsync(TimeSpan interval, int rounds, Func<bool> wanted, Func<Task> round, CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            for (var i = 0; i < rounds && wanted() && await timer.WaitForNextTickAsync(stop); i++)
            {
                await round();
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
    }
}
