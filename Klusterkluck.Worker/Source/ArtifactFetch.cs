using System.Net.Http.Headers;
using System.Text.Json;
using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Source;

/// <summary>
/// Gets the function's built tree instead of a checkout: from a file the local runtime shows the
/// worker, or over HTTP from the Api with the function's read-only token (a pod, as it fetches git).
/// </summary>
public static class ArtifactFetch
{
    /// <summary>Extracts the artifact into <paramref name="folder"/> and returns the commit it was built from, which must be <paramref name="commit"/>.</summary>
    public static async Task<string> FetchAsync(string location, string commit, string folder, string? token, CancellationToken cancellationToken)
    {
        try
        {
            if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (!string.IsNullOrEmpty(token))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new WorkerStartupException($"cannot fetch the build of {commit[..Math.Min(12, commit.Length)]}: {(int)response.StatusCode} {response.ReasonPhrase}");
                }
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await ArtifactArchive.ExtractAsync(body, folder, cancellationToken);
            }
            else
            {
                await using var file = File.OpenRead(location);
                await ArtifactArchive.ExtractAsync(file, folder, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new WorkerStartupException($"cannot read the build of {commit[..Math.Min(12, commit.Length)]}: {OneLine.Of(e.Message)}", e);
        }
        return Verified(folder, commit);
    }

    /// <summary>A build handed over as a stream (a pool worker's): extracted, and its commit checked as <see cref="FetchAsync"/> does.</summary>
    public static async Task<string> ExtractAsync(Stream archive, string commit, string folder, CancellationToken cancellationToken)
    {
        try
        {
            await ArtifactArchive.ExtractAsync(archive, folder, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new WorkerStartupException($"cannot read the build of {commit[..Math.Min(12, commit.Length)]}: {OneLine.Of(e.Message)}", e);
        }
        return Verified(folder, commit);
    }

    private static string Verified(string folder, string commit)
    {
        var built = ManifestCommit(folder);
        if (built is null || !built.StartsWith(commit, StringComparison.OrdinalIgnoreCase))
        {
            throw new WorkerStartupException($"the build given is of commit {built ?? "(unknown)"}, not {commit}");
        }
        return built;
    }

    private static string? ManifestCommit(string folder)
    {
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, BuildLayout.Manifest)));
            return manifest.RootElement.TryGetProperty("commit", out var commit) ? commit.GetString() : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }
}
