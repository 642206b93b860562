using Klusterkluck.Api.Functions;
using Klusterkluck.Api.Identity;
using Klusterkluck.Api.Runtime;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Builds;

/// <summary>
/// <c>PUT /builds/{user}/{name}/{sha}</c>: where a Kubernetes build Job delivers the artifact (its
/// <c>KK_BUILD_UPLOAD_URL</c>), with the function's upload token (<see cref="BuildTokens"/>) as
/// bearer token, since a Job has no folder the Api reads. Taken only while the commit's build runs,
/// streamed to the commit's partial artifact (<see cref="Artifacts.PartialPath"/>), which the build
/// checks and keeps once its Job succeeded; at most <c>Builds:MaxArtifactMiB</c>.
/// </summary>
internal static class ArtifactUpload
{
    private const int BufferBytes = 81920;

    public static async Task<IResult> PutAsync(string user, string name, string sha, HttpRequest request, BuildTokens tokens, Artifacts artifacts,
        IOptions<BuildOptions> options, CancellationToken cancellationToken)
    {
        var secret = BuildEndpoints.SecretOf(request, basic: false);
        if (!UserNames.IsValid(user) || !FunctionNameAttribute.IsValidName(name) || sha.Length != 40 || !sha.All(char.IsAsciiHexDigit)
            || secret is null || !tokens.IsUploadToken(secret, user, name))
        {
            // The same answer for a wrong token and an unknown function: nothing tells them apart.
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem("A function's build token is required.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }
        var id = new FunctionId(user, name);
        var commit = sha.ToLowerInvariant();
        if (artifacts.Record(id, commit) is not { State: BuildStates.Building })
        {
            // A Job left over from an earlier attempt, or one the build gave up on, must not replace what the build keeps.
            return TypedResults.Problem($"No build of {commit[..12]} is running; an artifact is taken only while its build runs.",
                statusCode: StatusCodes.Status409Conflict, title: "No build running");
        }
        var max = (long)options.Value.MaxArtifactMiB * 1024 * 1024;
        if (request.ContentLength > max)
        {
            return TooLarge(request, max);
        }
        var partial = artifacts.PartialPath(id, commit);
        // Written aside and renamed when whole: an upload cut off halfway never looks like an artifact.
        var upload = $"{partial}.{Guid.NewGuid():N}.upload";
        try
        {
            await using (var file = new FileStream(upload, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true))
            {
                var buffer = new byte[BufferBytes];
                long written = 0;
                int read;
                while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    written += read;
                    if (written > max)
                    {
                        return TooLarge(request, max);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            File.Move(upload, partial, overwrite: true);
            return TypedResults.NoContent();
        }
        catch (DirectoryNotFoundException)
        {
            // The build's folder went meanwhile (the function was deleted, or a new attempt began).
            return TypedResults.Problem($"No build of {commit[..12]} is running; an artifact is taken only while its build runs.",
                statusCode: StatusCodes.Status409Conflict, title: "No build running");
        }
        finally
        {
            if (File.Exists(upload))
            {
                File.Delete(upload);
            }
        }
    }

    private static IResult TooLarge(HttpRequest request, long max)
    {
        // The builder may still be sending: closing after the answer spares reading what is refused.
        request.HttpContext.Response.Headers.Connection = "close";
        return TypedResults.Problem($"An artifact is at most {max / (1024 * 1024)} MiB (Builds:MaxArtifactMiB).",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Artifact too large", extensions: new Dictionary<string, object?> { ["limit"] = "Builds:MaxArtifactMiB" });
    }
}
