using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Runtime.Local.Sandbox;

public enum SandboxMode
{
    /// <summary>Bubblewrap when it works on this machine; otherwise none, said at start.</summary>
    Auto,

    /// <summary>Bubblewrap or no start at all.</summary>
    Bubblewrap,

    /// <summary>Workers run as the Api's own user, seeing what it sees: for one trusted user.</summary>
    None,
}

/// <summary>Section <c>Runtime:Local:Sandbox</c>: how the local runtime confines each worker and everything its function starts.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Runtime:Local:Sandbox";

    public SandboxMode Mode { get; set; } = SandboxMode.Auto;

    /// <summary>
    /// Without a sandbox, functions run for one user only (the first to deploy one), since any of
    /// them could read the data folder. True says the operator accepts that risk for several users.
    /// </summary>
    public bool AcceptUnsandboxed { get; set; }

    /// <summary>Writable memory (RLIMIT_DATA) of each process of a replica: the worker, node, every command.</summary>
    [Range(64, 1024 * 1024)]
    public int MemoryMiB { get; set; } = 2048;

    /// <summary>
    /// Processes and threads (RLIMIT_NPROC) a tenant's replicas may have; only where each tenant has
    /// a user of its own (the Api runs as root). A worker holds about 20 threads and node about 10
    /// more: 1024 stopped a user's 55th function (bench/console, "unable to create thread"), short
    /// of Limits:MaxFunctionsPerUser's 100; 8192 leaves room for that many and for what they start.
    /// </summary>
    [Range(32, 1_000_000)]
    public int Processes { get; set; } = 8192;

    /// <summary>Open files (RLIMIT_NOFILE) of each process of a replica; the worker itself (.NET, Kestrel, its children's pipes) needs several hundred.</summary>
    [Range(1024, 1_048_576)]
    public int OpenFiles { get; set; } = 4096;

    /// <summary>When the Api runs as root, each tenant's functions run as the next unused uid from here (no account needed).</summary>
    [Range(1000, 2_000_000_000)]
    public int FirstUid { get; set; } = 200_000;
}
