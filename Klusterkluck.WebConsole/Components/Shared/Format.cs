using System.Globalization;

namespace Klusterkluck.WebConsole.Components.Shared;

internal static class Format
{
    /// <summary>A commit as people say it: its first seven digits.</summary>
    public static string Short(string? sha) => sha is null ? "—" : sha[..Math.Min(7, sha.Length)];

    /// <summary>How long ago, as people say it: seconds, minutes, hours, then the date (UTC: the server does not know the reader's zone).</summary>
    public static string Ago(DateTime time, DateTime? now = null)
    {
        var age = (now ?? DateTime.UtcNow) - DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return age.TotalSeconds switch
        {
            < 5 => "just now",
            < 60 => $"{age.TotalSeconds:0} s ago",
            < 3600 => $"{age.TotalMinutes:0} min ago",
            < 86400 => $"{age.TotalHours:0} h ago",
            _ => time.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        };
    }
}
