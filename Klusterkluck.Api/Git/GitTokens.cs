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
    private readonly FunctionTokens _tokens = new(folder, "git-tokens.key", "kkread-", "read");

    /// <summary>The token that lets its holder clone and fetch <c>{user}/{name}.git</c>, nothing else.</summary>
    public string ReadToken(string user, string name) => _tokens.For(user, name);

    /// <summary>Whether <paramref name="secret"/> is the read token of <c>{user}/{name}.git</c>; compared in constant time.</summary>
    public bool IsReadToken(string secret, string user, string name) => _tokens.Is(secret, user, name);
}
