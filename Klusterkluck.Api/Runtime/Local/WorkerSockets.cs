using System.Net.Sockets;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// Besides its loopback port, each local worker listens on a Unix socket in a folder only the
/// Api's user can open, and the Api talks to it there: cheaper than TCP on loopback for every
/// request through the gateway (bench/gateway). A worker's address is then
/// <c>http://w-{id}/</c>, a host no DNS knows, which <see cref="ConnectAsync"/> maps to its socket.
/// </summary>
public sealed class WorkerSockets : IDisposable
{
    private const string HostPrefix = "w-";

    public string Folder { get; } = Directory.CreateTempSubdirectory("kk-workers-").FullName;

    /// <summary>A fresh socket for one worker process: its path, and the address the Api sends requests to.</summary>
    public (string Path, string Address) Next()
    {
        var host = $"{HostPrefix}{Guid.NewGuid():N}";
        return (System.IO.Path.Combine(Folder, $"{host}.sock"), $"http://{host}/");
    }

    /// <summary>SocketsHttpHandler's connect step: worker hosts go to their socket, anything else over TCP as usual.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var isWorker = host.StartsWith(HostPrefix, StringComparison.Ordinal);
        var socket = isWorker
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(
                isWorker ? new UnixDomainSocketEndPoint(System.IO.Path.Combine(Folder, $"{host}.sock")) : context.DnsEndPoint,
                cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A worker still exiting may hold a socket file for a moment; the folder is in the temp dir.
        }
    }
}
