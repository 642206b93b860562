using System.Security.Cryptography;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// Secrets the Api generates once and keeps in <c>{data}/keys/</c>, readable by its own user
/// only, so that what they signed or derived before a restart stays valid after it.
/// </summary>
public static class KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The text of key file <paramref name="name"/>, created by <paramref name="create"/> when missing.</summary>
    public static string ReadOrCreate(DataFolder folder, string name, Func<string> create)
    {
        var keys = folder.Combine("keys");
        Directory.CreateDirectory(keys, OwnerOnly | UnixFileMode.UserExecute);
        return ReadOrCreate(Path.Combine(keys, name), create);
    }

    /// <summary>A random 256-bit key, kept in key file <paramref name="name"/>.</summary>
    public static byte[] RandomKey(DataFolder folder, string name) =>
        Convert.FromBase64String(ReadOrCreate(folder, name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

    /// <summary>
    /// Reads a key file, creating it first if it is missing. Written to a temporary name and
    /// moved into place, so a crash never leaves half a key and two replicas starting on one
    /// volume agree on the first key written.
    /// </summary>
    private static string ReadOrCreate(string path, Func<string> create)
    {
        if (!File.Exists(path))
        {
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, create());
            File.SetUnixFileMode(temporary, OwnerOnly);
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }
        return File.ReadAllText(path);
    }
}
