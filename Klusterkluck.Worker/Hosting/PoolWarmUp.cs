using System.Formats.Tar;
using System.IO.Compression;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Source;

namespace Klusterkluck.Worker.Hosting;

/// <summary>
/// What a pool worker does before it says it is pooled: it walks once through the paths its hand-
/// over and first requests take (its own HTTP pipeline, the health check, a tree's extraction, a
/// config's parsing), so that their first-time costs (JIT, lazy setup) are paid while it waits,
/// not by the cold start that takes it. Only its own throwaway files and its own address are used.
/// </summary>
internal static class PoolWarmUp
{
    public static async Task RunAsync(string? ownAddress, CancellationToken cancellationToken)
    {
        if (ownAddress is not null)
        {
            using var client = new HttpClient { BaseAddress = new Uri(ownAddress), Timeout = TimeSpan.FromSeconds(10) };
            foreach (var path in new[] { "/healthz", "/", "/healthz" })
            {
                try
                {
                    using var _ = await client.GetAsync(path, cancellationToken);
                }
                catch (HttpRequestException)
                {
                    // Only a warm-up: a cold start pays this cost instead.
                }
            }
        }
        var folder = Directory.CreateTempSubdirectory("kk-warm-up-").FullName;
        try
        {
            using var archive = new MemoryStream();
            await using (var gzip = new GZipStream(archive, CompressionLevel.NoCompression, leaveOpen: true))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, FunctionConfig.FileName)
                {
                    DataStream = new MemoryStream("kind: nodejs\nenv:\n  A: b\n"u8.ToArray()),
                }, cancellationToken);
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "index.js")
                {
                    DataStream = new MemoryStream("module.exports = () => 1;\n"u8.ToArray()),
                }, cancellationToken);
            }
            archive.Position = 0;
            await ArtifactArchive.ExtractAsync(archive, folder, cancellationToken);
            FunctionConfigReader.Load(folder);
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["env"] = new Dictionary<string, string?> { ["A"] = "b" } });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
