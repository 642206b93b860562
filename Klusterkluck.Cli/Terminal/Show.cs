using System.Globalization;
using Spectre.Console;

namespace Klusterkluck.Cli.Terminal;

/// <summary>How values read in kk's tables.</summary>
public static class Show
{
    public static string Short(string? sha) => sha is null ? "-" : sha.Length > 7 ? sha[..7] : sha;

    /// <summary>"3 min ago": for people scanning a table; -o json keeps the exact time.</summary>
    public static string Ago(DateTimeOffset time)
    {
        var elapsed = DateTimeOffset.UtcNow - time;
        return elapsed.TotalSeconds < 60 ? $"{Math.Max(0, (int)elapsed.TotalSeconds)} s ago"
            : elapsed.TotalMinutes < 60 ? $"{(int)elapsed.TotalMinutes} min ago"
            : elapsed.TotalHours < 48 ? $"{(int)elapsed.TotalHours} h ago"
            : time.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static string Milliseconds(double? ms) => ms switch
    {
        null => "-",
        < 1000 => $"{ms:F0} ms",
        _ => $"{ms / 1000:F1} s",
    };

    /// <summary>A state in its colour: green when it works, yellow while it changes, red when it failed.</summary>
    public static string State(string state) => Markup.Escape(state) switch
    {
        var s when state is "ready" or "running" or "succeeded" => $"[green]{s}[/]",
        var s when state is "failed" or "deadlettered" or "unavailable" => $"[red]{s}[/]",
        var s when state is "building" or "deploying" or "starting" or "restarting" or "pending" => $"[yellow]{s}[/]",
        var s => s,
    };

    public static string Escape(string? text) => Markup.Escape(text ?? "-");

    /// <summary>A commit message's first line.</summary>
    public static string Subject(string message) => message.Split('\n', 2)[0].TrimEnd();
}
