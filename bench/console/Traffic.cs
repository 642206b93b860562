using Microsoft.Playwright;

/// <summary>The bytes a page moved: each HTTP response's headers and body as sent, and the WebSocket frames both ways.</summary>
internal sealed class Traffic
{
    private readonly IPage _page;
    private readonly List<IRequest> _requests = [];
    private long _frames;
    private bool _stopped;
    // The server compresses each message (permessage-deflate, context kept across messages); Chromium
    // reports payloads only, so the wire's size is estimated by deflating them the same way.
    private readonly MemoryStream _wire = new();
    private readonly System.IO.Compression.DeflateStream _deflate;

    private Traffic(IPage page)
    {
        _page = page;
        _deflate = new(_wire, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
        page.RequestFinished += OnRequest;
        page.WebSocket += OnSocket;
    }

    public static Traffic Watch(IPage page) => new(page);

    private void OnRequest(object? sender, IRequest request)
    {
        if (!_stopped)
        {
            lock (_requests)
            {
                _requests.Add(request);
            }
        }
    }

    private void OnSocket(object? sender, IWebSocket socket)
    {
        socket.FrameReceived += (_, frame) => Add(frame);
        socket.FrameSent += (_, frame) => Add(frame);
    }

    private void Add(IWebSocketFrame frame)
    {
        if (_stopped)
        {
            return;
        }
        var payload = frame.Binary ?? System.Text.Encoding.UTF8.GetBytes(frame.Text ?? "");
        Interlocked.Add(ref _frames, payload.Length);
        lock (_wire)
        {
            _deflate.Write(payload);
            _deflate.Flush();
        }
    }

    /// <summary>The WebSocket's payloads deflated as permessage-deflate sends them: about what crossed the wire.</summary>
    public long SocketWireEstimate()
    {
        lock (_wire)
        {
            return _wire.Length;
        }
    }

    public async Task<long> TotalAsync() => (await SplitAsync()).Http + Interlocked.Read(ref _frames);

    /// <summary>HTTP bytes, WebSocket bytes, and the largest responses (URL path, bytes), largest first.</summary>
    public async Task<(long Http, long Socket, int Requests, List<(string Path, long Bytes)> Largest)> SplitAsync()
    {
        IRequest[] requests;
        lock (_requests)
        {
            requests = [.. _requests];
        }
        var sized = new List<(string Path, long Bytes)>();
        foreach (var request in requests)
        {
            var sizes = await request.SizesAsync();
            sized.Add((new Uri(request.Url).AbsolutePath, sizes.ResponseBodySize + sizes.ResponseHeadersSize));
        }
        return (sized.Sum(s => s.Bytes), Interlocked.Read(ref _frames), requests.Length, [.. sized.OrderByDescending(s => s.Bytes).Take(5)]);
    }

    public void Stop()
    {
        _stopped = true;
        _page.RequestFinished -= OnRequest;
        _page.WebSocket -= OnSocket;
    }
}
