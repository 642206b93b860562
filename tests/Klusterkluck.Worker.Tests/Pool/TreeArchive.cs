using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Klusterkluck.Worker.Tests.Pool;

/// <summary>A function's files as the local runtime hands them to a pool worker: a gzipped tar.</summary>
internal static class TreeArchive
{
    public static byte[] Of(IReadOnlyDictionary<string, string> files, params string[] executables)
    {
        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (path, text) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                    Mode = executables.Contains(path) ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                };
                tar.WriteEntry(entry);
            }
        }
        return bytes.ToArray();
    }
}
