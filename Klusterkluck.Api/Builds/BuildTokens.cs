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
    private readonly FunctionTokens _tokens = new(folder, "build-tokens.key", "kkbuild-", "build");

    /// <summary>The token that lets its holder upload artifacts of <c>{user}/{name}</c>, nothing else.</summary>
    public string UploadToken(string user, string name) => _tokens.For(user, name);

    /// <summary>Whether <paramref name="secret"/> is the upload token of <c>{user}/{name}</c>; compared in constant time.</summary>
    public bool IsUploadToken(string secret, string user, string name) => _tokens.Is(secret, user, name);
}
