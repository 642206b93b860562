using System.Collections.Concurrent;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Throttling;

/// <summary>
/// Every function's throttle, kept in memory and set from the store: at start (<see cref="ThrottleLoader"/>)
/// and by each create, settings change and delete. A function without limits has no entry, so
/// its requests pay one dictionary lookup.
/// </summary>
public sealed class FunctionThrottles
{
    private readonly ConcurrentDictionary<FunctionId, FunctionThrottle> _throttles = new();

    /// <summary>
    /// A change of settings starts afresh (a new window, its in-flight count from the requests
    /// that begin now): the requests already admitted finish under the settings they came in with.
    /// </summary>
    public void Set(FunctionId id, ThrottleSettings? settings)
    {
        if (settings is null)
        {
            _throttles.TryRemove(id, out _);
        }
        else if (!_throttles.TryGetValue(id, out var current) || current.Settings != settings)
        {
            _throttles[id] = new FunctionThrottle(settings);
        }
    }

    /// <summary>Admits a request to the function (dispose the ticket when it is done), or says why not.</summary>
    public bool TryEnter(FunctionId id, out Ticket ticket, out Refusal refusal)
    {
        ticket = default;
        refusal = default;
        if (!_throttles.TryGetValue(id, out var throttle))
        {
            return true;
        }
        if (!throttle.TryEnter(out refusal))
        {
            return false;
        }
        ticket = new Ticket(throttle);
        return true;
    }

    public ThrottleSettings? SettingsOf(FunctionId id) => _throttles.TryGetValue(id, out var throttle) ? throttle.Settings : null;

    /// <summary>An admitted request's place in its function's in-flight count.</summary>
    public readonly struct Ticket : IDisposable
    {
        private readonly FunctionThrottle? _throttle;

        internal Ticket(FunctionThrottle throttle) => _throttle = throttle;

        public void Dispose() => _throttle?.Exit();
    }
}
