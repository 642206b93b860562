using System.Threading.Channels;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>A payload taken from the connector and not yet delivered, dead-lettered or abandoned.</summary>
internal sealed record Pending(Payload Payload, Delivery Delivery);

/// <summary>
/// The sink a connector writes to: a bounded buffer split into lanes. Payloads with the same
/// order key always share a lane, and a lane delivers one payload at a time, so their order
/// holds even across retries; payloads without a key are spread over the lanes.
/// </summary>
internal sealed class DeliveryQueue : IDeliverySink
{
    private readonly SemaphoreSlim _room;
    private readonly Channel<Pending>[] _lanes;
    private int _next;

    public DeliveryQueue(DeliveryOptions options)
    {
        _room = new SemaphoreSlim(options.Buffer, options.Buffer);
        _lanes = new Channel<Pending>[options.Parallelism];
        for (var i = 0; i < _lanes.Length; i++)
        {
            // Unbounded here because _room bounds all lanes together.
            _lanes[i] = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        }
    }

    public IEnumerable<ChannelReader<Pending>> Lanes => _lanes.Select(lane => lane.Reader);

    public async ValueTask<Delivery> SendAsync(Payload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await _room.WaitAsync(cancellationToken);
        var pending = new Pending(payload, new Delivery(Guid.CreateVersion7().ToString("N")));
        if (!LaneFor(payload).Writer.TryWrite(pending))
        {
            _room.Release();
            throw new InvalidOperationException("the connector host is stopping and takes no more payloads");
        }
        return pending.Delivery;
    }

    /// <summary>Called once a payload's delivery has ended, whichever way: its room is free again.</summary>
    public void Release() => _room.Release();

    /// <summary>No more payloads: the lanes finish what they hold and end.</summary>
    public void Close()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
    }

    private Channel<Pending> LaneFor(Payload payload)
    {
        var index = payload.OrderKey is { } key
            ? (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_lanes.Length)
            : (int)((uint)Interlocked.Increment(ref _next) % (uint)_lanes.Length);
        return _lanes[index];
    }
}
