using System.Security.Cryptography;
using System.Text;
using Klusterkluck.Api.Hosting;

namespace Klusterkluck.Api.Builds;

/// <summary>
/// The credential a Kubernetes build Job uploads its function's artifact with
/// (<c>KK_BUILD_UPLOAD_TOKEN</c>, from the function's Secret). Made as the git read token is
/// (<see cref="Git.GitTokens"/>): an HMAC of the function's name under a key kept in the data
/// folder, so nothing is stored per function and it survives restarts; but under a key of its own
/// and for <c>build:{user}/{name}</c>, so neither token stands for the other. It reads nothing, and
/// it is taken only while a build of the commit it uploads is running (<see cref="BuildEndpoints"/>).
/// </summary>
public sealed class BuildTokens(DataFolder folder)
{
    private const string Prefix = "kkbuild-";

    private readonly Lazy<byte[]> _key = new(() => KeyFile.RandomKey(folder, "build-tokens.key"));

    /// <summary>The token that lets its holder upload artifacts of <c>{user}/{name}</c>, nothing else.</summary>
    public string UploadToken(string user, string name) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes($"build:{user}/{name}")));

    /// <summary>Whether <paramref name="secret"/> is the upload token of <c>{user}/{name}</c>; compared in constant time.</summary>
    public bool IsUploadToken(string secret, string user, string name) =>
        secret.StartsWith(Prefix, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(UploadToken(user, name)));
}
