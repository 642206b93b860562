using System.Runtime.InteropServices;

namespace Klusterkluck.Functions;

/// <summary>
/// Answers "is this path, once every symlink is followed, still inside that folder?". A git
/// repository may hold a symlink to /etc/passwd; a name check alone would let it through.
/// </summary>
public static partial class PathGuard
{
    public static bool IsInside(string folder, string path) =>
        RealPath(folder) is { } realFolder && RealPath(path) is { } realPath && IsWithin(realFolder, realPath);

    /// <summary>Both paths already resolved by <see cref="RealPath"/>: a plain prefix test on whole segments.</summary>
    public static bool IsWithin(string realFolder, string realPath) =>
        realPath == realFolder || realPath.StartsWith(realFolder.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The canonical absolute path with every symlink resolved, or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.Exists(path) || Directory.Exists(path) ? Path.GetFullPath(path) : null;
        }
        var resolved = realpath(Path.GetFullPath(path), IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr realpath(string path, IntPtr resolved);

    [LibraryImport("libc")]
    private static partial void free(IntPtr pointer);
}
