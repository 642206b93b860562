using System.Diagnostics;

namespace Klusterkluck.Api.Throttling;

/// <summary>Why a request was not let through, and when trying again makes sense.</summary>
public readonly record struct Refusal(bool OverRate, int RetryAfterSeconds);

/// <summary>
/// One function's throttle. The rate is counted in fixed windows, each starting with the first
/// request after the previous one ended, so a burst is counted exactly against one window and
/// nobody can double a limit by straddling a clock boundary. Only admitted requests count.
/// </summary>
internal sealed class FunctionThrottle(ThrottleSettings settings)
{
    private readonly long _window = (long)(settings.Window.TotalSeconds * Stopwatch.Frequency);
    private long _windowStart;
    private int _admitted;
    private int _inFlight;
    private bool _started;

    public ThrottleSettings Settings { get; } = settings;

    /// <summary>Admits the request (then <see cref="Exit"/> when it is done) or says why not.</summary>
    public bool TryEnter(out Refusal refusal)
    {
        lock (this)
        {
            var now = Stopwatch.GetTimestamp();
            if (Settings.RateLimit is { } limit)
            {
                if (!_started || now - _windowStart >= _window)
                {
                    _started = true;
                    _windowStart = now;
                    _admitted = 0;
                }
                if (_admitted >= limit)
                {
                    var left = (double)(_windowStart + _window - now) / Stopwatch.Frequency;
                    refusal = new Refusal(OverRate: true, Math.Max(1, (int)Math.Ceiling(left)));
                    return false;
                }
            }
            if (Settings.MaxInFlight is { } max && _inFlight >= max)
            {
                // Nothing says when one ends: a second is what a client should wait before trying again.
                refusal = new Refusal(OverRate: false, 1);
                return false;
            }
            _admitted++;
            _inFlight++;
        }
        refusal = default;
        return true;
    }

    public void Exit()
    {
        lock (this)
        {
            _inFlight--;
        }
    }
}
