using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Local.Sandbox;

/// <summary>
/// What confines a worker and everything its function starts: a bubblewrap sandbox where the
/// machine allows one, a uid per tenant where the Api runs as root, and resource limits always.
/// Decided once, at start, by running a trivial command the way workers will run.
/// </summary>
internal sealed class FunctionSandbox
{
    private const string Setpriv = "/usr/bin/setpriv";
    private const string Prlimit = "/usr/bin/prlimit";

    /// <summary>Whether the Api has a controlling terminal: /dev/tty opens only then.</summary>
    private static readonly Lazy<bool> s_hasTerminal = new(() =>
    {
        try
        {
            using var tty = new FileStream("/dev/tty", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    });

    private readonly SandboxOptions _options;

    /// <summary>What each of a function's processes may use.</summary>
    public int MemoryMiB => _options.MemoryMiB;
    private readonly string? _bwrap;
    private readonly string _version = "";
    private readonly TenantUsers? _users;

    public FunctionSandbox(IOptions<SandboxOptions> options)
    {
        _options = options.Value;
        if (TenantUsers.CanSwitch)
        {
            _users = new TenantUsers(_options.FirstUid);
        }
        if (_options.Mode == SandboxMode.None)
        {
            Unavailable = $"{SandboxOptions.Section}:Mode is None";
            _users = null;
            return;
        }
        var bwrap = ChildProcess.FindOnPath("bwrap");
        Unavailable = bwrap is null ? "bwrap is not on PATH (Debian: apt-get install bubblewrap)" : Probe(bwrap);
        if (Unavailable is null)
        {
            _bwrap = bwrap;
            _version = Bubblewrap.Version(bwrap!);
            return;
        }
        // Outside a sandbox a tenant's uid could not even read its own repository.
        _users = null;
        if (_options.Mode == SandboxMode.Bubblewrap)
        {
            throw new InvalidOperationException($"{SandboxOptions.Section}:Mode is Bubblewrap, but it cannot sandbox here: {Unavailable}");
        }
    }

    /// <summary>Why functions run unsandboxed; null while they are sandboxed.</summary>
    public string? Unavailable { get; }

    public bool InForce => _bwrap is not null;

    /// <summary>Whether functions of more than one user may run: sandboxed, or the operator accepted the risk.</summary>
    public bool AdmitsSeveralUsers => InForce || _options.AcceptUnsandboxed;

    /// <summary>One line for the log at start: which isolation functions get.</summary>
    public string Describe()
    {
        var limits = $"each process at most {_options.MemoryMiB} MiB of memory and {_options.OpenFiles} open files";
        if (_bwrap is null)
        {
            var who = _options.AcceptUnsandboxed
                ? "functions of every user run this way (AcceptUnsandboxed)"
                : $"so functions of one user only will run ({SandboxOptions.Section}:AcceptUnsandboxed=true allows several)";
            return $"Functions run UNSANDBOXED, as the Api's own user, able to read its data folder ({Unavailable}); {who}; {limits}";
        }
        var users = _users is null
            ? "as the Api's own user (not root, so no uid per tenant)"
            : $"each tenant as a uid of its own from {_options.FirstUid}, at most {_options.Processes} processes per tenant";
        return $"Functions run sandboxed by {_version} (mount, PID, IPC and UTS namespaces; only their own code and /usr visible), {users}; {limits}";
    }

    /// <summary>Where a replica's folder appears to its worker.</summary>
    public string PathInside(string folder) => InForce ? Bubblewrap.Inside : folder;

    /// <summary>Where a folder bound read-only at <paramref name="inside"/> appears to the worker: there, or where it is when unsandboxed.</summary>
    public string PathInside(string host, string inside) => InForce ? inside : host;

    /// <summary>How many processes down from the one started the command runs: bwrap, then its init, then the command.</summary>
    public int Depth => InForce ? 2 : 0;

    /// <summary>
    /// Prepares <paramref name="folder"/> (the replica's own, with its <c>tmp</c>) and rewrites
    /// <paramref name="info"/> so that its command runs confined, as <paramref name="user"/>'s uid,
    /// seeing <paramref name="readOnly"/> (host folder, and where it appears) besides the system.
    /// HOME and TMPDIR point to its <c>tmp</c>.
    /// </summary>
    /// <param name="writable">Folders besides its own it may write (a build's cache), and where they appear.</param>
    /// <param name="memoryMiB">Each process's writable memory, when not <see cref="SandboxOptions.MemoryMiB"/> (a build's compiler).</param>
    public void Confine(ProcessStartInfo info, string user, string folder, IReadOnlyList<(string Host, string Inside)> readOnly,
        IReadOnlyList<(string Host, string Inside)>? writable = null, int? memoryMiB = null) =>
        Confine(info, user, folder, readOnly, _bwrap, writable ?? [], memoryMiB ?? _options.MemoryMiB);

    /// <summary>Gives a folder kept across restarts (a build cache) to the tenant's uid, when tenants have uids.</summary>
    public void OwnTree(string folder, string user) => _users?.OwnTree(folder, user);

    /// <summary>As the public one, with <paramref name="bwrap"/> null for no sandbox: the probe tries one before it is in force.</summary>
    private void Confine(ProcessStartInfo info, string user, string folder, IReadOnlyList<(string Host, string Inside)> readOnly, string? bwrap,
        IReadOnlyList<(string Host, string Inside)> writable, int memoryMiB)
    {
        var tmp = Directory.CreateDirectory(Path.Combine(folder, "tmp")).FullName;
        _users?.Own(folder, user);
        _users?.Own(tmp, user);
        List<string> prefix = [];
        if (bwrap is not null)
        {
            prefix.AddRange([bwrap, .. Bubblewrap.Arguments(folder, readOnly, s_hasTerminal.Value, writable), "--"]);
            info.Environment["HOME"] = "/tmp";
            info.Environment["TMPDIR"] = "/tmp";
        }
        else
        {
            // Temporary files go with the replica even so.
            info.Environment["TMPDIR"] = tmp;
        }
        if (_users is not null)
        {
            // Root outside: drop to the tenant's uid, every capability and any way back (setuid programs).
            var uid = _users.UidOf(user).ToString(CultureInfo.InvariantCulture);
            prefix.AddRange([Setpriv, $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]);
        }
        List<string> command = [.. prefix, .. Limits(memoryMiB), info.FileName, .. info.ArgumentList];
        info.FileName = command[0];
        info.ArgumentList.Clear();
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
    }

    /// <summary>
    /// prlimit before the command: limits hold for it and everything it starts. RLIMIT_DATA, not
    /// RLIMIT_AS: V8 and .NET reserve far more address space than they ever use. RLIMIT_NPROC
    /// counts a uid's processes, so only with a uid per tenant (else it would count the Api's own threads).
    /// </summary>
    private List<string> Limits(int memoryMiB)
    {
        var memory = (long)memoryMiB * 1024 * 1024;
        List<string> limits = [Prlimit, $"--data={memory}:{memory}", $"--nofile={_options.OpenFiles}:{_options.OpenFiles}"];
        if (_users is not null)
        {
            limits.Add($"--nproc={_options.Processes}:{_options.Processes}");
        }
        limits.Add("--");
        return limits;
    }

    /// <summary>The whole chain (bwrap, setpriv, prlimit) on <c>true</c>, in a throwaway folder.</summary>
    private string? Probe(string bwrap)
    {
        var folder = Directory.CreateTempSubdirectory("kk-sandbox-probe-").FullName;
        try
        {
            var info = new ProcessStartInfo("/usr/bin/true");
            Confine(info, "probe", folder, [], bwrap, [], _options.MemoryMiB);
            return Bubblewrap.Probe(info.FileName, [.. info.ArgumentList]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
