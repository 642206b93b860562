namespace Klusterkluck.Api.Runtime;

/// <summary>Why a connector's host stopped, read from its last lines, the same way for a process and a pod.</summary>
public static class ConnectorFailure
{
    /// <summary>
    /// The last line that reports an error (the host's <c>error:</c> line when its settings are
    /// wrong, a <c>fail:</c> or <c>crit:</c> log line when it failed while running), else the last
    /// line: after a failure the host still logs its shutdown, which says nothing about why.
    /// </summary>
    public static string? ReasonOf(IEnumerable<string> lines)
    {
        string? last = null, error = null;
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            last = line.Trim();
            if (IsError(last))
            {
                error = last;
            }
        }
        return error ?? last;
    }

    /// <summary><see cref="ReasonOf(IEnumerable{string})"/> of a text of lines (a Kubernetes termination message).</summary>
    public static string? ReasonOf(string? text) => text is null ? null : ReasonOf(text.Split('\n'));

    /// <summary>The reason with the exit code, as a connector's error shows it.</summary>
    public static string Describe(string? reason, int exitCode) =>
        reason is null ? $"exited with code {exitCode}" : $"{reason} (exit code {exitCode})";

    private static bool IsError(string line) =>
        line.StartsWith("error: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal)
        || line.Contains(" crit: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal)
        || line.StartsWith("crit: ", StringComparison.Ordinal);
}
