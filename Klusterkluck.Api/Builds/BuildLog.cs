using System.Text;

namespace Klusterkluck.Api.Builds;

/// <summary>
/// A build's output as it comes, appended to its file (readable while the build runs) up to a
/// limit, and its last lines kept for the deploy's error.
/// </summary>
public sealed class BuildLog(string path) : IDisposable
{
    /// <summary>npm and dotnet are chatty, a build command can be anything: a log keeps its first 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int TailLines = 12;
    private const int MaxTailLineLength = 240;

    private readonly StreamWriter _file = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
    {
        AutoFlush = true,
    };

    private readonly Queue<string> _tail = new();
    private long _written;
    private bool _cut;
    private bool _command;

    public void Add(string line)
    {
        lock (_tail)
        {
            // The builder echoes each command it runs ("$ npm ci …"): the tail is what the last one printed.
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                _tail.Clear();
                _command = true;
            }
            else if (_command)
            {
                if (_tail.Count == TailLines)
                {
                    _tail.Dequeue();
                }
                _tail.Enqueue(line.Length > MaxTailLineLength ? line[..MaxTailLineLength] + "…" : line);
            }
            if (_cut)
            {
                return;
            }
            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (_written + bytes > MaxBytes)
            {
                _cut = true;
                _file.WriteLine($"… the log is cut here at {MaxBytes / 1024} KiB; the build goes on");
                return;
            }
            _written += bytes;
            _file.WriteLine(line);
        }
    }

    /// <summary>The last lines the last command printed, oldest first, for a failed deploy's error.</summary>
    public IReadOnlyList<string> Tail()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    public void Dispose()
    {
        lock (_tail)
        {
            _file.Dispose();
        }
    }
}
