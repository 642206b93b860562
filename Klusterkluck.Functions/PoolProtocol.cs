namespace Klusterkluck.Functions;

/// <summary>
/// How the local runtime hands a function to a pool worker (DESIGN.md, "Warm pools"): one POST
/// to <see cref="Path"/> with the code as a gzipped tar for a body (the commit's tree, or its
/// build) and what the worker would otherwise read from its environment in these headers. 204
/// once the function serves; a problem detail with the one-line reason when it cannot, after
/// which the worker exits. A worker takes it once: never a second function.
/// </summary>
public static class PoolProtocol
{
    public const string Path = "/_klusterkluck/specialize";

    /// <summary>The secret the worker was started with (KK_POOL_KEY); without it the path does not exist.</summary>
    public const string KeyHeader = "X-Klusterkluck-Pool-Key";

    /// <summary>{user}/{function}, as KK_FUNCTION.</summary>
    public const string FunctionHeader = "X-Klusterkluck-Function";

    /// <summary>The full sha, as KK_GIT_COMMIT.</summary>
    public const string CommitHeader = "X-Klusterkluck-Commit";

    /// <summary><see cref="Tree"/> or <see cref="Build"/>: what the body holds.</summary>
    public const string ArchiveHeader = "X-Klusterkluck-Archive";

    public const string Tree = "tree";

    public const string Build = "build";

    /// <summary>For a private function, as KK_AUTH_AUTHORITY and KK_AUTH_AUDIENCE.</summary>
    public const string AuthorityHeader = "X-Klusterkluck-Auth-Authority";

    public const string AudienceHeader = "X-Klusterkluck-Auth-Audience";
}
