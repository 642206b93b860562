using System.Threading.Channels;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>A payload taken from the connector and not yet delivered, dead-lettered or abandoned.</summary>
internal sealed record Pending(Payload Payload, Delivery Delivery);

/// <summary>
/// The sink a connector writes to: a bounded buffer feeding two kinds of readers. Payloads with
/// an order key go to the lane of their key, and a lane delivers one payload at a time, so their
/// order holds even across retries. Payloads without one share a queue that as many workers
/// read, so a payload the target keeps failing holds up one worker, not every n-th payload.
/// </summary>
internal sealed class DeliveryQueue : IDeliverySink
{
    private readonly SemaphoreSlim _room;
    private readonly Channel<Pending>[] _lanes;
    private readonly Channel<Pending> _unordered = Channel.CreateUnbounded<Pending>();

    public DeliveryQueue(DeliveryOptions options)
    {
        _room = new SemaphoreSlim(options.Buffer, options.Buffer);
        _lanes = new Channel<Pending>[options.Parallelism];
        for (var i = 0; i < _lanes.Length; i++)
        {
            // Unbounded here because _room bounds all of them together.
            _lanes[i] = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        }
    }

    /// <summary>What each reader works through: every ordered lane once, and the unordered queue once per lane.</summary>
    public IEnumerable<ChannelReader<Pending>> Readers =>
        _lanes.Select(lane => lane.Reader).Concat(Enumerable.Repeat(_unordered.Reader, _lanes.Length));

    public async ValueTask<Delivery> SendAsync(Payload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await _room.WaitAsync(cancellationToken);
        var pending = new Pending(payload, new Delivery(payload.Id ?? Guid.CreateVersion7().ToString("N")));
        if (!ChannelFor(payload).Writer.TryWrite(pending))
        {
            _room.Release();
            throw new InvalidOperationException("the connector host is stopping and takes no more payloads");
        }
        return pending.Delivery;
    }

    /// <summary>Called once a payload's delivery has ended, whichever way: its room is free again.</summary>
    public void Release() => _room.Release();

    /// <summary>No more payloads (sends fail from now on): the readers finish what is queued and end.</summary>
    public void Close()
    {
        _unordered.Writer.TryComplete();
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
    }

    private Channel<Pending> ChannelFor(Payload payload) => payload.OrderKey is { } key
        ? _lanes[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_lanes.Length]
        : _unordered;
}
