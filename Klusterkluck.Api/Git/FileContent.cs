using System.Text;
using System.Text.Unicode;
using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>What a file of a commit is to an editor: its kind, size, mode, and its text when it has one that fits.</summary>
/// <param name="Binary">null when the content was not read (too large, a submodule, or over a listing's budget).</param>
/// <param name="Content">The UTF-8 text; null when binary, too large, or not read.</param>
public sealed record FileContent(string Path, string Kind, long Size, bool Executable, bool? Binary, bool TooLarge, string? Content)
{
    /// <summary>Larger files are listed, never sent: an editor in a browser has no use for them, and each read holds the whole blob in memory.</summary>
    public const long MaxContentBytes = 1024 * 1024;

    /// <summary>git's own test (<c>buffer_is_binary</c>): a NUL byte among the first 8000 bytes.</summary>
    public const int BinaryProbeBytes = 8000;

    public const string FileKind = "file";

    public const string SymlinkKind = "symlink";

    public const string SubmoduleKind = "submodule";

    /// <summary>Describes a tree entry; reads its content only when <paramref name="read"/> and it fits.</summary>
    public static FileContent Of(Repository repository, string path, TreeEntry entry, bool read)
    {
        if (entry.TargetType == TreeEntryTargetType.GitLink)
        {
            return new FileContent(path, SubmoduleKind, 0, false, null, false, null);
        }
        var kind = entry.Mode == Mode.SymbolicLink ? SymlinkKind : FileKind;
        var executable = entry.Mode == Mode.ExecutableFile;
        // The object's header only: the size is known before its content is inflated.
        var size = repository.ObjectDatabase.RetrieveObjectMetadata(entry.Target.Id).Size;
        if (size > MaxContentBytes || !read)
        {
            return new FileContent(path, kind, size, executable, null, size > MaxContentBytes, null);
        }
        var bytes = Read((Blob)entry.Target, size);
        var text = Text(bytes);
        return new FileContent(path, kind, size, executable, text is null, false, text);
    }

    /// <summary>The bytes as text, or null when they are binary: a NUL early on, or not valid UTF-8.</summary>
    public static string? Text(byte[] bytes) =>
        bytes.AsSpan(0, Math.Min(bytes.Length, BinaryProbeBytes)).Contains((byte)0) || !Utf8.IsValid(bytes)
            ? null
            // A byte order mark stays in the text, so that the file is written back as it was.
            : Encoding.UTF8.GetString(bytes);

    private static byte[] Read(Blob blob, long size)
    {
        var bytes = new byte[size];
        using var stream = blob.GetContentStream();
        stream.ReadExactly(bytes);
        return bytes;
    }
}
