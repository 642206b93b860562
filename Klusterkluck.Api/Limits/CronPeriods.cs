using Quartz;

namespace Klusterkluck.Api.Limits;

/// <summary>How close together a Quartz cron expression fires.</summary>
public static class CronPeriods
{
    /// <summary>
    /// Fire times followed to find the shortest gap. A short gap comes from the finest fields that
    /// fire more than once (seconds within a minute, a month's last day and the next's first), so it
    /// shows within the first few cycles of them; a thousand fires also bound the work per check.
    /// </summary>
    private const int Fires = 1000;

    /// <summary>
    /// The shortest time between two fires, or null if the expression does not parse (the flow's
    /// validation says so) or fires less than twice. Stops at the first gap under <paramref name="atLeast"/>.
    /// </summary>
    public static TimeSpan? Shortest(string cron, TimeSpan atLeast)
    {
        // Quartz fires on whole seconds: no cron fires closer together than that.
        if (atLeast <= TimeSpan.FromSeconds(1))
        {
            return null;
        }
        CronExpression expression;
        try
        {
            expression = new CronExpression(cron, TimeZoneInfo.Utc);
        }
        catch (FormatException)
        {
            return null;
        }
        TimeSpan? shortest = null;
        var previous = expression.GetNextValidTimeAfter(DateTimeOffset.UtcNow);
        for (var i = 0; i < Fires && previous is { } last && expression.GetNextValidTimeAfter(last) is { } next; i++, previous = next)
        {
            if (next - last < (shortest ?? TimeSpan.MaxValue))
            {
                shortest = next - last;
                if (shortest < atLeast)
                {
                    break;
                }
            }
        }
        return shortest;
    }
}
