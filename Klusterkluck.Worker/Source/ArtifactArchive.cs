using System.Formats.Tar;
using System.IO.Compression;

namespace Klusterkluck.Worker.Source;

/// <summary>
/// A built tree as one file: a gzipped tar, which keeps file modes (an exec handler stays
/// executable) and symbolic links (node_modules/.bin). Extraction refuses entries and links that
/// would land outside the folder.
/// </summary>
public static class ArtifactArchive
{
    /// <remarks>
    /// Entry by entry rather than TarFile.CreateFromDirectory, which skips "hidden" files, and on
    /// Linux that is every dot file: .klusterkluck, node_modules/.bin, a function's own .env.
    /// Links are stored as links, never followed.
    /// </remarks>
    public static async Task PackAsync(string tree, Stream destination, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFileSystemEntries(tree, "*", walk).Order(StringComparer.Ordinal))
        {
            await writer.WriteEntryAsync(path, Path.GetRelativePath(tree, path).Replace('\\', '/'), cancellationToken);
        }
    }

    public static async Task ExtractAsync(Stream source, string folder, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        await TarFile.ExtractToDirectoryAsync(gzip, folder, overwriteFiles: false, cancellationToken);
    }
}
