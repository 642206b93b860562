using System.Security.Cryptography;
using System.Text;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// Marks the embedded provider's own loopback calls to its token endpoint with a secret that
/// never leaves the process, so the rate limiter does not count one login twice (or count every
/// user's logins against 127.0.0.1).
/// </summary>
public sealed class InternalCaller
{
    private const string Header = "X-Klusterkluck-Internal";

    private readonly byte[] _secret = Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

    public void Mark(HttpRequestMessage request) => request.Headers.Add(Header, Encoding.ASCII.GetString(_secret));

    public bool IsCalling(HttpContext http) =>
        http.Request.Headers[Header] is [{ } value] && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value), _secret);
}
