using System.Security.Cryptography;
using System.Text;
using Klusterkluck.Api.Hosting;

namespace Klusterkluck.Api.Git;

/// <summary>
/// Read-only credentials for one repository, for workers that fetch their function's code over
/// HTTP (the Kubernetes runtime's pods, DESIGN.md's KK_GIT_TOKEN). A token is an HMAC of the
/// repository's name under a key kept in the data folder: nothing to store per function, valid
/// across restarts, and useless for any other repository or for pushing. A function deleted and
/// created again under the same name gets the same token, which reads the same owner's repository.
/// </summary>
public sealed class GitTokens(DataFolder folder)
{
    private const string Prefix = "kkread-";

    private readonly Lazy<byte[]> _key = new(() => KeyFile.RandomKey(folder, "git-tokens.key"));

    /// <summary>The token that lets its holder clone and fetch <c>{user}/{name}.git</c>, nothing else.</summary>
    public string ReadToken(string user, string name) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes($"read:{user}/{name}")));

    /// <summary>Whether <paramref name="secret"/> is the read token of <c>{user}/{name}.git</c>; compared in constant time.</summary>
    public bool IsReadToken(string secret, string user, string name) =>
        secret.StartsWith(Prefix, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(secret), Encoding.ASCII.GetBytes(ReadToken(user, name)));
}
