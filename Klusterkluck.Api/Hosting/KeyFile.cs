namespace Klusterkluck.Api.Hosting;

/// <summary>Secrets the Api generates once and keeps in its data folder, readable by its own user only.</summary>
public static class KeyFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Reads a key file, creating it first if it is missing. Written to a temporary name and
    /// moved into place, so a crash never leaves half a key and two replicas starting on one
    /// volume agree on the first key written.
    /// </summary>
    public static string ReadOrCreate(string path, Func<string> create)
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
