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
    public static async Task PackAsync(string tree, Stream destination, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await TarFile.CreateFromDirectoryAsync(tree, gzip, includeBaseDirectory: false, cancellationToken);
    }

    public static async Task ExtractAsync(Stream source, string folder, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        await TarFile.ExtractToDirectoryAsync(gzip, folder, overwriteFiles: false, cancellationToken);
    }
}
