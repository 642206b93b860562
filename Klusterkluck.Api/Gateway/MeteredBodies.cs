using Microsoft.AspNetCore.Http.Features;

namespace Klusterkluck.Api.Gateway;

/// <summary>
/// The body bytes of a request through the gateway, for usage: a body's Content-Length when it
/// has one (free), else the bytes counted as they stream by (<see cref="CountingStream"/>).
/// </summary>
internal static class MeteredBodies
{
    /// <summary>Counts a request body that has no length; null when there is nothing to count or the length says it.</summary>
    public static CountingStream? CountRequest(HttpContext context)
    {
        if (context.Request.ContentLength is not null || context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
        {
            return null;
        }
        var counting = new CountingStream(context.Request.Body);
        context.Request.Body = counting;
        return counting;
    }

    /// <summary>From the transformer, once the function's answer is in: counts a response body that has no length.</summary>
    public static void CountResponse(HttpContext context, HttpResponseMessage? answer)
    {
        if (answer?.Content.Headers.ContentLength is null && answer is not null)
        {
            context.Response.Body = new CountingStream(context.Response.Body);
        }
    }

    public static long BytesIn(HttpContext context, CountingStream? counted) => counted?.Count ?? context.Request.ContentLength ?? 0;

    public static long BytesOut(HttpContext context) =>
        context.Response.Body is CountingStream counted ? counted.Count
        : HttpMethods.IsHead(context.Request.Method) ? 0
        : context.Response.ContentLength ?? 0;
}

/// <summary>A stream passed through as it is, counting the bytes read from it or written to it.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long Count { get; private set; }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Count += count;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Count += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int Counted(int read)
    {
        Count += read;
        return read;
    }
}
