using System.Globalization;

namespace Klusterkluck.WebConsole.Components.Runs;

/// <summary>
/// How runs and steps are written on screen. Times are relative ("3 min ago"), because the server
/// renders them and does not know the reader's time zone; the exact UTC time is the title.
/// </summary>
internal static class RunFormat
{
    /// <summary>A run or step as people say it: the first group of its id, as git says a commit by its first digits.</summary>
    public static string Short(Guid id) => id.ToString("N")[..8];

    public static string Ago(DateTime time, DateTime? now = null)
    {
        var elapsed = (now ?? DateTime.UtcNow) - ToUtc(time);
        return elapsed.TotalSeconds switch
        {
            < 5 => "just now",
            < 60 => $"{(int)elapsed.TotalSeconds} s ago",
            < 3600 => $"{(int)elapsed.TotalMinutes} min ago",
            < 86400 => $"{(int)elapsed.TotalHours} h ago",
            _ => Exact(time),
        };
    }

    /// <summary>The exact time, in UTC (said so): the title of every relative time.</summary>
    public static string Exact(DateTime time) => ToUtc(time).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTime time) => ToUtc(time).ToString("o", CultureInfo.InvariantCulture);

    public static string Duration(double? milliseconds) => milliseconds switch
    {
        null => "—",
        < 1000 => $"{milliseconds.Value.ToString("0", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{(milliseconds.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture)} s",
        _ => $"{(int)(milliseconds.Value / 60_000)} min {(int)(milliseconds.Value % 60_000 / 1000)} s",
    };

    public static string Duration(DateTime? from, DateTime? to) =>
        from is { } start && to is { } end ? Duration((end - start).TotalMilliseconds) : "—";

    /// <summary>A step's start as an offset from its run's event: within a run, "when" reads best as "how long after".</summary>
    public static string After(DateTime accepted, DateTime? started) =>
        started is { } start ? "+" + Duration(Math.Max(0, (start - accepted).TotalMilliseconds)) : "—";

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KiB",
        _ => $"{(bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MiB",
    };

    /// <summary>JSON from the API is UTC; a time with no kind is taken as UTC, not as the server's local time.</summary>
    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}
