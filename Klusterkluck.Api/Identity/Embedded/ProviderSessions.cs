using System.Collections.Concurrent;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// Provider sessions ended by sign-out. The session cookie holds everything itself, so a copy of it
/// (another tab's, a thief's) would outlive the sign-out; each session has an id, and an ended id
/// is refused for as long as a cookie could still be valid. Kept in memory: a restart forgets them,
/// which leaves the cookies' own expiry (eight hours, sliding).
/// </summary>
internal sealed class ProviderSessions(TimeProvider time)
{
    public const string Claim = "sid";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new();

    public static string NewId() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public void End(string id)
    {
        var now = time.GetUtcNow();
        _ended[id] = now;
        foreach (var (old, at) in _ended)
        {
            if (now - at > ProviderCookie.Lifetime)
            {
                _ended.TryRemove(old, out _);
            }
        }
    }

    public bool IsEnded(string id) => _ended.ContainsKey(id);
}
