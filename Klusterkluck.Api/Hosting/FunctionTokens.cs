using System.Security.Cryptography;
using System.Text;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// Credentials that stand for one right on one function (reading its repository, uploading its
/// builds): an HMAC of <c>{purpose}:{user}/{name}</c> under a key kept in the data folder, so
/// nothing is stored per function and they survive restarts. Each purpose has a key file and a
/// prefix of its own, so no token stands for another.
/// </summary>
public sealed class FunctionTokens(DataFolder folder, string keyFile, string prefix, string purpose)
{
    private readonly Lazy<byte[]> _key = new(() => KeyFile.RandomKey(folder, keyFile));

    public string For(string user, string name) =>
        prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes($"{purpose}:{user}/{name}")));

    /// <summary>Whether <paramref name="secret"/> is the token of <c>{user}/{name}</c>; compared in constant time.</summary>
    public bool Is(string secret, string user, string name) =>
        secret.StartsWith(prefix, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(For(user, name)));
}
