using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

/// <summary>
/// The connector's target: every payload starts with the Stopwatch timestamp of the moment it
/// was sent (this process sent it), so arrival minus that is the delivery latency.
/// </summary>
internal sealed class LatencyReceiver : IAsyncDisposable
{
    private readonly long[] _latencies = new long[8_000_000];
    private WebApplication _app = null!;
    private int _count;
    private volatile bool _measuring;

    /// <summary>Fires for every payload that arrives, measured or not (the load's flow control).</summary>
    public event Action? Arrived;

    public string Url { get; private set; } = "";

    public static async Task<LatencyReceiver> StartAsync()
    {
        var receiver = new LatencyReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        receiver._app = builder.Build();
        receiver._app.Run(receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = $"{address.TrimEnd('/')}/events";
        return receiver;
    }

    public void Start()
    {
        _count = 0;
        _measuring = true;
    }

    public Measured Stop()
    {
        _measuring = false;
        var count = Math.Min(_count, _latencies.Length);
        var sorted = _latencies[..count];
        Array.Sort(sorted);
        double At(double quantile) => count == 0 ? double.NaN : Stopwatch.GetElapsedTime(0, sorted[(int)Math.Min(count - 1, quantile * count)]).TotalMilliseconds;
        return new Measured(count, At(0.50), At(0.99), TimeSpan.Zero);
    }

    private async Task ReceiveAsync(HttpContext http)
    {
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync();
            if (read.IsCompleted || read.Buffer.Length >= 8)
            {
                if (read.Buffer.Length >= 8 && _measuring)
                {
                    Span<byte> stamp = stackalloc byte[8];
                    read.Buffer.Slice(0, 8).CopyTo(stamp);
                    var latency = Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian(stamp);
                    var index = Interlocked.Increment(ref _count) - 1;
                    if (index < _latencies.Length)
                    {
                        _latencies[index] = latency;
                    }
                }
                reader.AdvanceTo(read.Buffer.End);
                break;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        Arrived?.Invoke();
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>A 64-byte payload stamped with now.</summary>
    public static byte[] Stamped()
    {
        var body = new byte[64];
        BinaryPrimitives.WriteInt64LittleEndian(body, Stopwatch.GetTimestamp());
        return body;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
