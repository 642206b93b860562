namespace Klusterkluck.Api.Runtime.Local;

/// <summary>The last lines a replica printed, across its restarts, so a crash's cause stays readable.</summary>
internal sealed class LogBuffer(int capacity)
{
    private readonly Queue<LogLine> _lines = new();

    public void Add(string stream, string text)
    {
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
            return _lines.LastOrDefault(l => l.Stream == "stderr" && l.Text.StartsWith("klusterkluck-worker: ", StringComparison.Ordinal))?.Text;
        }
    }
}
