using System.Text;
using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Tests.Functions;

/// <summary>Output lines are cut at a bound, and an over-long line costs no more memory than the bound.</summary>
public sealed class BoundedLinesLimitsTests
{
    [Fact]
    public async Task LinesComeWithoutTheirNewlines()
    {
        Assert.Equal(["a", "b", "", "c"], await ReadAsync("a\r\nb\n\nc", 100));
    }

    [Fact]
    public async Task ALongLineIsCutAndTheNextOneIsWhole()
    {
        Assert.Equal(["0123456789" + BoundedLines.CutMarker, "next", "exactly10!"], await ReadAsync("0123456789abcdef\nnext\nexactly10!\n", 10));
    }

    [Fact]
    public async Task ACutNeverSplitsACharacter()
    {
        // "aé€" is 1 + 2 + 3 bytes: a cut at 4 bytes falls inside the euro sign.
        Assert.Equal(["aé" + BoundedLines.CutMarker], await ReadAsync("aé€z", 4));
    }

    [Fact]
    public async Task AHundredMegabyteLineWithoutANewlineIsReadInBoundedMemory()
    {
        await using var endless = new RepeatingStream((byte)'x', 100L * 1024 * 1024);
        // The stream answers at once, so the whole read runs on this thread: its allocations are this thread's.
        var before = GC.GetAllocatedBytesForCurrentThread();
        List<string> lines = [];

        await foreach (var line in BoundedLines.ReadAsync(endless, 16 * 1024))
        {
            lines.Add(line);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(new string('x', 16 * 1024) + BoundedLines.CutMarker, Assert.Single(lines));
        Assert.True(allocated < 4 * 1024 * 1024, $"{allocated / 1024} KiB allocated to read one 100 MiB line");
    }

    private static async Task<List<string>> ReadAsync(string text, int maxBytes)
    {
        List<string> lines = [];
        await foreach (var line in BoundedLines.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), maxBytes))
        {
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>One byte, repeated, produced as it is read: nothing holds the whole of it.</summary>
    private sealed class RepeatingStream(byte value, long total) : Stream
    {
        private long _left = total;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            buffer.AsSpan(offset, n).Fill(value);
            _left -= n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = (int)Math.Min(buffer.Length, _left);
            buffer.Span[..n].Fill(value);
            _left -= n;
            return ValueTask.FromResult(n);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
