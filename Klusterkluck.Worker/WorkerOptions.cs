using Klusterkluck.Functions;
using Microsoft.Extensions.Configuration;

namespace Klusterkluck.Worker;

/// <summary>The worker's environment contract. Names are the environment variables themselves.</summary>
public sealed class WorkerOptions
{
    [ConfigurationKeyName("KK_GIT_URL")]
    public string? GitUrl { get; set; }

    [ConfigurationKeyName("KK_GIT_COMMIT")]
    public string? GitCommit { get; set; }

    /// <summary>Read-only credential for the repository, sent as the password of HTTP Basic.</summary>
    [ConfigurationKeyName("KK_GIT_TOKEN")]
    public string? GitToken { get; set; }

    /// <summary>"{user}/{function}": the owner is the only user whose tokens are accepted.</summary>
    [ConfigurationKeyName("KK_FUNCTION")]
    public string? Function { get; set; }

    [ConfigurationKeyName("KK_AUTH_AUTHORITY")]
    public string? AuthAuthority { get; set; }

    [ConfigurationKeyName("KK_AUTH_AUDIENCE")]
    public string? AuthAudience { get; set; }

    /// <summary>
    /// The commit's build (a .tar.gz of the built tree), when its kind or its klusterkluck.yaml
    /// asks for one: a file path, or an http(s) URL fetched with KK_GIT_TOKEN as a bearer token.
    /// Unset: the worker checks the commit out of KK_GIT_URL.
    /// </summary>
    [ConfigurationKeyName("KK_ARTIFACT_URL")]
    public string? ArtifactUrl { get; set; }

    /// <summary>Where the commit is checked out; a fresh private temporary folder when unset.</summary>
    [ConfigurationKeyName("KK_WORK_DIR")]
    public string? WorkDirectory { get; set; }

    [ConfigurationKeyName("KK_NODE")]
    public string Node { get; set; } = "node";

    /// <summary>Requests an exec function runs at once; more wait for a slot (up to the timeout).</summary>
    [ConfigurationKeyName("KK_MAX_CONCURRENCY")]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>A request body's limit; larger ones get 413. 6 MiB, as AWS Lambda's: a nodejs body is held whole.</summary>
    [ConfigurationKeyName("KK_MAX_REQUEST_BYTES")]
    public long MaxRequestBytes { get; set; } = 6L * 1024 * 1024;

    /// <summary>A line of the function's output is logged up to this many bytes, then cut; the rest of it is dropped unread into memory.</summary>
    [ConfigurationKeyName("KK_MAX_LOG_LINE_BYTES")]
    public int MaxLogLineBytes { get; set; } = BoundedLines.DefaultMaxBytes;

    /// <summary>
    /// Exit when stdin reaches its end: the local runtime keeps a pipe open to each worker, so a
    /// worker outlives no Api, even one killed with SIGKILL. Off by default (a pod's stdin is empty).
    /// </summary>
    [ConfigurationKeyName(ParentWatch.Variable)]
    public bool ExitWithStdin { get; set; }

    /// <summary>
    /// A path prefix the function does not see: an Ingress routes <c>{user}.{domain}/{function}/x</c>
    /// to the pod unchanged, and the function gets <c>/x</c> as it does behind the local gateway.
    /// Paths outside it (the probes' /healthz) are served as they are.
    /// </summary>
    [ConfigurationKeyName("KK_PATH_BASE")]
    public string? PathBase { get; set; }

    /// <summary>
    /// Set, the worker is a pool worker: it starts all it can without a function and takes one
    /// from whoever knows this secret (PoolProtocol), once. The function's variables above then
    /// arrive with it instead of in the environment.
    /// </summary>
    [ConfigurationKeyName("KK_POOL_KEY")]
    public string? PoolKey { get; set; }

    /// <summary>The kind a pool worker is warmed for: nodejs boots node ahead; any kind may still be given.</summary>
    [ConfigurationKeyName("KK_POOL_KIND")]
    public string? PoolKind { get; set; }

    /// <summary>
    /// The issuer (and audience) a pool worker's function will most likely trust, if private: the
    /// platform's. Its keys are fetched while the worker waits, not during the cold start.
    /// </summary>
    [ConfigurationKeyName("KK_POOL_AUTH_AUTHORITY")]
    public string? PoolAuthAuthority { get; set; }

    [ConfigurationKeyName("KK_POOL_AUTH_AUDIENCE")]
    public string? PoolAuthAudience { get; set; }

    public bool IsPool => !string.IsNullOrEmpty(PoolKey);

    public string? Owner => Function?.Split('/', 2)[0];

    /// <summary>With an issuer set, every function request needs the owner's token.</summary>
    public bool IsPrivate => !string.IsNullOrEmpty(AuthAuthority);

    /// <summary>A variable that could not be read (not a number, say), reported when the worker starts.</summary>
    public string? BindingError { get; private init; }

    /// <summary>Reads the environment once; the worker's services all share this instance.</summary>
    public static WorkerOptions From(IConfiguration configuration)
    {
        try
        {
            return configuration.Get<WorkerOptions>() ?? new WorkerOptions();
        }
        catch (InvalidOperationException ex)
        {
            return new WorkerOptions { BindingError = ex.InnerException?.Message ?? ex.Message };
        }
    }
}

/// <summary>The worker cannot serve: the message is the one line printed before it exits.</summary>
public sealed class WorkerStartupException(string message, Exception? inner = null) : Exception(message, inner);
