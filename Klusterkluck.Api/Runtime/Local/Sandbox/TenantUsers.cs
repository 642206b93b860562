using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Klusterkluck.Api.Runtime.Local.Sandbox;

/// <summary>
/// One unprivileged uid per tenant, when the Api runs as root: a tenant's processes can then
/// neither signal nor read another's even outside the namespaces, and RLIMIT_NPROC counts each
/// tenant on its own. Numbers are handed out in order for the Api's lifetime (no account is
/// made): every replica and the files it wrote go with the Api, so nothing needs them stable.
/// </summary>
internal sealed partial class TenantUsers(int firstUid)
{
    private readonly ConcurrentDictionary<string, int> _uids = new(StringComparer.Ordinal);
    private int _next = firstUid;

    public static bool CanSwitch => Environment.IsPrivilegedProcess;

    public int UidOf(string user) => _uids.GetOrAdd(user, _ => Interlocked.Increment(ref _next) - 1);

    /// <summary>Gives <paramref name="path"/> to the tenant's uid (and its own group of the same number).</summary>
    public void Own(string path, string user)
    {
        var uid = UidOf(user);
        if (chown(path, uid, uid) != 0)
        {
            throw new IOException($"cannot give {path} to uid {uid}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// Gives a folder that outlives the Api (a build cache) and everything in it to the tenant's
    /// uid of this run: uids are handed out anew at each start. A marker file says whose it is, so
    /// the walk happens once per tenant and run. Links are changed themselves, never followed.
    /// </summary>
    public void OwnTree(string path, string user)
    {
        var uid = UidOf(user);
        var marker = Path.Combine(path, ".klusterkluck-uid");
        var text = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (File.Exists(marker) && File.ReadAllText(marker) == text)
        {
            return;
        }
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", walk).Append(path))
        {
            lchown(entry, uid, uid);
        }
        File.WriteAllText(marker, text);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int owner, int group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);
}
