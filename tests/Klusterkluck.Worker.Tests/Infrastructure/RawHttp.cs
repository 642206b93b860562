using System.Net.Sockets;
using System.Text;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>Sends a request target exactly as written: HttpClient would normalise "/../" away.</summary>
public static class RawHttp
{
    public static async Task<int> GetStatusAsync(int port, string target)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await using var stream = client.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
