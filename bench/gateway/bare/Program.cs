// bench/gateway's floor: Kestrel and YARP's forwarder alone, every request sent on to one
// worker, over its Unix socket as the gateway does (or over TCP), nothing else in the pipeline.
// What the Api's gateway costs above this is its own. With "raw" last, a hand-written HTTP/1.1
// upstream instead of YARP (RawRelay): the floor of any .NET hop with Kestrel in front.
// Usage: kk-bare-forwarder <listen url> <socket path | http://host:port> [raw]
using System.Net;
using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

var (listen, target) = (args[0], args[1]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(listen);
builder.Services.AddHttpForwarder();
var app = builder.Build();

var overUnix = !target.StartsWith("http://", StringComparison.Ordinal);
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = null,
    ConnectCallback = overUnix
        ? async (_, cancel) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(target), cancel);
            return new NetworkStream(socket, ownsSocket: true);
        }
        : null,
});
var destination = overUnix ? "http://worker/" : target;
var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
if (args is [_, _, "raw"])
{
    var relay = new RawRelay(target);
    app.Run(relay.RelayAsync);
}
else
{
    app.Run(async context => await forwarder.SendAsync(context, destination, invoker, config, HttpTransformer.Empty));
}
app.Run();
