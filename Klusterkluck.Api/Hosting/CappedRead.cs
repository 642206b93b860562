namespace Klusterkluck.Api.Hosting;

/// <summary>Reading a body that may be larger than the Api is willing to hold: a function's answer, a step's output, an event.</summary>
public static class CappedRead
{
    /// <summary>
    /// Reads at most <paramref name="max"/> bytes, and one more to know whether there were more:
    /// <c>Exceeded</c> then, and <c>Body</c> is the first <paramref name="max"/> bytes.
    /// </summary>
    public static async Task<(byte[] Body, bool Exceeded)> ReadAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length <= max
            && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }
        return buffer.Length > max ? (buffer.GetBuffer()[..max], true) : (buffer.ToArray(), false);
    }
}
