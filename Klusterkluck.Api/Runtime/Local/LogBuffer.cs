namespace Klusterkluck.Api.Runtime.Local;

/// <summary>The last lines a replica printed, across its restarts, so a crash's cause stays readable.</summary>
internal sealed class LogBuffer(int capacity)
{
    /// <summary>
    /// A line longer than this is cut as it is kept: a thousand lines a replica stay small. The
    /// worker cut the function's lines already (Limits:MaxLogLineBytes); this bounds what is kept of any line.
    /// </summary>
    private const int MaxLineLength = 4096;

    private readonly Queue<LogLine> _lines = new();

    public void Add(string stream, string text)
    {
        if (text.Length > MaxLineLength)
        {
            text = string.Concat(text.AsSpan(0, MaxLineLength), Klusterkluck.Functions.BoundedLines.CutMarker);
        }
        lock (_lines)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }
            _lines.Enqueue(new LogLine(DateTimeOffset.UtcNow, stream, text));
        }
    }

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    /// <summary>The worker's own one-line reason for exiting, if it printed one.</summary>
    public string? LastError()
    {
        lock (_lines)
        {
            return _lines.LastOrDefault(l => l.Stream == "stderr" && l.Text.StartsWith(Klusterkluck.Functions.WorkerLines.Prefix, StringComparison.Ordinal))?.Text;
        }
    }
}
