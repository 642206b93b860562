using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// The cheapest .NET hop one could write, for the bench only: Kestrel in front, and upstream a
/// hand-written HTTP/1.1 exchange on pooled Unix-socket connections (a request head written in
/// one send; the response head parsed by hand; a body by Content-Length or chunks, copied as it
/// is). No YARP, no HttpClient, no header rules, bodiless requests and answers under 16 KiB only:
/// a floor to measure, not a product.
/// </summary>
internal sealed class RawRelay(string socketPath)
{
    private readonly ConcurrentBag<Connection> _idle = [];

    public async Task RelayAsync(HttpContext context)
    {
        var connection = _idle.TryTake(out var pooled) ? pooled : await Connection.OpenAsync(socketPath);
        var request = context.Request;
        var head = new StringBuilder(256).Append(request.Method).Append(' ').Append(request.Path.Value).Append(request.QueryString.Value)
            .Append(" HTTP/1.1\r\nHost: worker\r\n");
        foreach (var (name, values) in request.Headers)
        {
            if (name is not ("Host" or "Connection"))
            {
                head.Append(name).Append(": ").Append(values.ToString()).Append("\r\n");
            }
        }
        head.Append("\r\n");
        await connection.Socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()));

        var (status, headers, bodyStart, chunked, length) = await connection.ReadHeadAsync();
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers.Append(name, value);
        }
        await connection.CopyBodyAsync(context.Response.Body, bodyStart, chunked, length);
        _idle.Add(connection);
    }

    private sealed class Connection(Socket socket)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public Socket Socket { get; } = socket;

        public static async Task<Connection> OpenAsync(string path)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            return new Connection(socket);
        }

        public async Task<(int Status, List<(string, string)> Headers, int BodyStart, bool Chunked, long Length)> ReadHeadAsync()
        {
            _start = _end = 0;
            int headEnd;
            while ((headEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
            {
                await FillAsync();
            }
            var lines = Encoding.ASCII.GetString(_buffer, 0, headEnd).Split("\r\n");
            var status = int.Parse(lines[0].AsSpan(9, 3));
            var headers = new List<(string, string)>();
            var (chunked, length) = (false, 0L);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
                if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = true;
                    continue;
                }
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = long.Parse(value);
                }
                headers.Add((name, value));
            }
            return (status, headers, headEnd + 4, chunked, length);
        }

        public async Task CopyBodyAsync(Stream to, int bodyStart, bool chunked, long length)
        {
            _start = bodyStart;
            if (!chunked)
            {
                while (_end - _start < length)
                {
                    await FillAsync();
                }
                await to.WriteAsync(_buffer.AsMemory(_start, (int)length));
                return;
            }
            while (true)
            {
                int lineEnd;
                while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
                {
                    await FillAsync();
                }
                var size = Convert.ToInt32(Encoding.ASCII.GetString(_buffer, _start, lineEnd), 16);
                _start += lineEnd + 2;
                while (_end - _start < size + 2)
                {
                    await FillAsync();
                }
                if (size == 0)
                {
                    return;
                }
                await to.WriteAsync(_buffer.AsMemory(_start, size));
                _start += size + 2;
            }
        }

        private async Task FillAsync()
        {
            var read = await Socket.ReceiveAsync(_buffer.AsMemory(_end));
            if (read == 0)
            {
                throw new IOException("the worker closed the connection");
            }
            _end += read;
        }
    }
}
