using System.Net.Sockets;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// Besides its loopback port, each local worker listens on a Unix socket in a folder of its own
/// (its replica folder, which also holds its temporary files), under a folder only the Api's user
/// can open, and the Api talks to it there: cheaper than TCP on loopback for every request
/// through the gateway (bench/gateway). A worker's address is then <c>http://w-{id}/</c>, a host
/// no DNS knows, which <see cref="ConnectAsync"/> maps to its socket.
/// </summary>
public sealed class WorkerSockets : IDisposable
{
    private const string HostPrefix = "w-";

    public string Folder { get; } = Directory.CreateTempSubdirectory("kk-workers-").FullName;

    /// <summary>The socket's name in a replica folder.</summary>
    public const string SocketName = "worker.sock";

    /// <summary>A fresh folder for one worker process (its socket is <see cref="SocketName"/> in it), and the address the Api sends requests to.</summary>
    public (string Folder, string Address) Next()
    {
        var host = $"{HostPrefix}{Guid.NewGuid():N}";
        var folder = System.IO.Path.Combine(Folder, host);
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (folder, $"http://{host}/");
    }

    /// <summary>Removes a replica's folder once its worker has exited: a killed worker leaves its socket and files behind.</summary>
    public static void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Something of the function's that cannot go (read-only files, say): the whole folder goes when the Api stops.
        }
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
                isWorker ? new UnixDomainSocketEndPoint(System.IO.Path.Combine(Folder, host, SocketName)) : context.DnsEndPoint,
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
