using System.Net;
using System.Net.Sockets;

namespace Klusterkluck.Worker.Runtime;

public static class LoopbackPort
{
    /// <summary>A port free right now on 127.0.0.1, chosen by the kernel.</summary>
    public static int GetFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
