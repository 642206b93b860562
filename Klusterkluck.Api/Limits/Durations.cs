using System.Globalization;

namespace Klusterkluck.Api.Limits;

/// <summary>Durations as people write them in settings: 1ms, 30s, 5m, 2h.</summary>
public static class Durations
{
    public static string Show(TimeSpan duration) => duration switch
    {
        { TotalHours: >= 1 } when duration.TotalHours % 1 == 0 => $"{duration.TotalHours.ToString(CultureInfo.InvariantCulture)}h",
        { TotalMinutes: >= 1 } when duration.TotalMinutes % 1 == 0 => $"{duration.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m",
        { TotalSeconds: >= 1 } => $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        _ => $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
    };
}
