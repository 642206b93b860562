using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Source;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Worker.Hosting;

/// <summary>
/// What a pool worker does before it says it is pooled: it walks once through the paths its hand-
/// over and first requests take (its own HTTP pipeline, the health check, a tree's extraction, a
/// config's parsing, the expected issuer's keys and a token's check), so that their first-time costs (JIT, lazy setup) are paid while it waits,
/// not by the cold start that takes it. Only its own throwaway files and its own address are used.
/// </summary>
internal static class PoolWarmUp
{
    public static async Task RunAsync(IServiceProvider services, string? ownAddress, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<WorkerOptions>();
        var token = options.PoolAuthAuthority is { } authority ? await FetchKeysAsync(services, authority, cancellationToken) : null;
        if (ownAddress is not null)
        {
            using var client = new HttpClient { BaseAddress = new Uri(ownAddress), Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (path, bearer) in new[] { ("/healthz", null), ("/", token), ("/", null), ("/healthz", null) })
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    if (bearer is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                    }
                    using var _ = await client.SendAsync(request, cancellationToken);
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

    /// <summary>
    /// Fetches the issuer's metadata and keys into the token check's cache, and returns a token
    /// for it signed by a throwaway key: checking it (and refusing it) warms the whole path.
    /// </summary>
    private static async Task<string?> FetchKeysAsync(IServiceProvider services, string authority, CancellationToken cancellationToken)
    {
        var jwt = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        try
        {
            if (jwt.ConfigurationManager is { } configuration)
            {
                await configuration.GetConfigurationAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The issuer is not answering yet: the first private request fetches the keys then.
            return null;
        }
        using var key = RSA.Create(2048);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = authority,
            Audience = jwt.TokenValidationParameters.ValidAudience,
            Expires = DateTime.UtcNow.AddMinutes(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "warm-up" }, SecurityAlgorithms.RsaSha256),
        });
    }
}
