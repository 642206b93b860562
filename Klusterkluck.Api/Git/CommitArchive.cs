using System.Formats.Tar;
using System.IO.Compression;
using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>
/// A commit's tree as a gzipped tar, written as it is read: what a pool worker gets instead of a
/// checkout (PoolProtocol). Files keep git's executable bit and symlinks stay links; submodules
/// (no content here) and folders past <see cref="TreeWalk.MaxDepth"/> are left out, as a checkout
/// leaves them. Stored, not compressed: it only crosses a local socket.
/// </summary>
public static class CommitArchive
{
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = File | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static async Task WriteAsync(string repositoryPath, string commit, Stream destination, CancellationToken cancellationToken)
    {
        using var repository = new Repository(repositoryPath);
        var tree = repository.Lookup<Commit>(commit)?.Tree ?? throw new InvalidOperationException($"commit {commit} is not in the repository");
        await using var gzip = new GZipStream(destination, CompressionLevel.NoCompression, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (path, entry) in TreeWalk.Files(tree, ""))
        {
            if (entry.TargetType != TreeEntryTargetType.Blob)
            {
                continue;
            }
            var blob = (Blob)entry.Target;
            if (entry.Mode == Mode.SymbolicLink)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = blob.GetContentText() }, cancellationToken);
                continue;
            }
            await using var content = blob.GetContentStream();
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, path)
            {
                DataStream = content,
                Mode = entry.Mode == Mode.ExecutableFile ? Executable : File,
            }, cancellationToken);
        }
    }
}
