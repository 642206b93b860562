namespace Klusterkluck.Api.Throttling;

/// <summary>
/// A function's throttle: at most <see cref="RateLimit"/> requests per <see cref="Window"/> and
/// at most <see cref="MaxInFlight"/> at once; a null limit is no limit.
/// </summary>
public sealed record ThrottleSettings(int? RateLimit, TimeSpan Window, int? MaxInFlight)
{
    public const int DefaultWindowSeconds = 1;

    public bool Limits => RateLimit is not null || MaxInFlight is not null;

    /// <summary>The stored function's settings, or null when it has none.</summary>
    public static ThrottleSettings? Of(Functions.Function function)
    {
        var settings = new ThrottleSettings(function.RateLimit,
            TimeSpan.FromSeconds(function.RateLimitWindowSeconds ?? DefaultWindowSeconds), function.MaxInFlight);
        return settings.Limits ? settings : null;
    }
}
