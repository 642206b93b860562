using System.Runtime.CompilerServices;
using System.Text;

namespace Klusterkluck.Functions;

/// <summary>
/// Reads the lines of a child's output with a bound on each: a function that prints 100 MB without
/// a newline must not make its reader (worker, Api) hold 100 MB. A longer line is cut at the bound,
/// marked with <see cref="CutMarker"/>, and the rest of it is read and dropped, never kept.
/// <c>StreamReader.ReadLineAsync</c> and <c>Process.OutputDataReceived</c> keep whole lines.
/// </summary>
public static class BoundedLines
{
    /// <summary>The default bound (<c>Limits:MaxLogLineBytes</c>, <c>KK_MAX_LOG_LINE_BYTES</c>).</summary>
    public const int DefaultMaxBytes = 16 * 1024;

    /// <summary>Ends a line that was cut.</summary>
    public const string CutMarker = "…[cut]";

    /// <summary>
    /// The lines of <paramref name="stream"/> as UTF-8 (a final line without a newline too), each
    /// at most <paramref name="maxBytes"/> bytes of the original before the marker, without its
    /// <c>\n</c> or <c>\r\n</c>. Memory stays at about <paramref name="maxBytes"/> whatever comes.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadAsync(Stream stream, int maxBytes = DefaultMaxBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var line = new byte[maxBytes];
        var chunk = new byte[Math.Min(maxBytes, 16 * 1024)];
        var length = 0;
        var cut = false;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            var start = 0;
            while (start < read)
            {
                var newline = Array.IndexOf(chunk, (byte)'\n', start, read - start);
                var end = newline < 0 ? read : newline;
                var take = Math.Min(end - start, maxBytes - length);
                chunk.AsSpan(start, take).CopyTo(line.AsSpan(length));
                length += take;
                cut |= take < end - start;
                if (newline < 0)
                {
                    break;
                }
                yield return Decode(line, length, cut);
                (length, cut, start) = (0, false, newline + 1);
            }
        }
        if (length > 0 || cut)
        {
            yield return Decode(line, length, cut);
        }
    }

    /// <summary>
    /// Hands each line of a child's output pipe to <paramref name="onLine"/> until it ends. A pipe
    /// closed or disposed under the reader (its process gone) ends it too: that is no error.
    /// </summary>
    public static async Task PumpAsync(Stream output, int maxBytes, Action<string> onLine)
    {
        try
        {
            await foreach (var line in ReadAsync(output, maxBytes))
            {
                onLine(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The line's text; a cut one ends at a whole character, then the marker.</summary>
    private static string Decode(byte[] line, int length, bool cut)
    {
        if (cut)
        {
            // A cut through a multi-byte character drops its first bytes too (continuation bytes are 10xxxxxx).
            var lead = length - 1;
            while (lead > 0 && length - lead < 4 && (line[lead] & 0xC0) == 0x80)
            {
                lead--;
            }
            var whole = lead >= 0 && line[lead] >= 0xC0 && lead + SequenceLength(line[lead]) > length ? lead : length;
            return string.Concat(Encoding.UTF8.GetString(line, 0, whole), CutMarker);
        }
        if (length > 0 && line[length - 1] == '\r')
        {
            length--;
        }
        return Encoding.UTF8.GetString(line, 0, length);
    }

    private static int SequenceLength(byte lead) => lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}
