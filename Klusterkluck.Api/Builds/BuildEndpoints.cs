using System.Security.Claims;
using Klusterkluck.Api.Functions;
using Klusterkluck.Api.Git;
using Klusterkluck.Api.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Builds;

/// <summary>
/// <c>GET /api/v1/functions/{name}/builds/{sha}</c>: a build's state and log, for the function's
/// owner. <c>GET /builds/{user}/{name}/{sha}</c>: the artifact itself, for the function's pods,
/// with its read-only token (the one that fetches its git repository). <c>PUT /builds/{user}/{name}/{sha}</c>:
/// the artifact from a Kubernetes build Job (<see cref="ArtifactUpload"/>).
/// </summary>
public static class BuildEndpoints
{
    public static void MapBuilds(this RouteGroupBuilder functions, WebApplication app)
    {
        functions.MapGet("/{name}/builds/{sha}", GetAsync);
        app.MapGet("/builds/{user}/{name}/{sha}", Download).AllowAnonymous().ExcludeFromDescription();
        // Artifacts can be large: the upload enforces Builds:MaxArtifactMiB itself, while it streams.
        app.MapPut("/builds/{user}/{name}/{sha}", ArtifactUpload.PutAsync).AllowAnonymous().ExcludeFromDescription()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute());
    }

    private static async Task<Results<Ok<BuildResponse>, ProblemHttpResult>> GetAsync(string name, string sha, ClaimsPrincipal user,
        FunctionService functions, Artifacts artifacts, Repositories repositories, CancellationToken cancellationToken)
    {
        if (!Shas.IsValid(sha))
        {
            return FunctionEndpoints.BadVersion();
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return FunctionEndpoints.NotFound(name);
        }
        string commit;
        using (var repository = repositories.Open(function.Owner, function.Name))
        {
            if (History.Find(repository, sha.ToLowerInvariant()) is not { } found)
            {
                return FunctionEndpoints.UnknownVersion(name, sha);
            }
            commit = found.Sha;
        }
        var id = new FunctionId(function.Owner, function.Name);
        if (artifacts.Record(id, commit) is not { } record)
        {
            return TypedResults.Problem($"{commit[..12]} has not been built: it needs no build, or was never deployed (or its build was pruned).",
                statusCode: StatusCodes.Status404NotFound, title: "No build");
        }
        var log = await ReadLogAsync(artifacts.LogPath(id, commit), cancellationToken);
        return TypedResults.Ok(new BuildResponse(record.Commit, record.State, record.Reason, record.StartedAt, record.FinishedAt,
            record.Duration?.TotalSeconds, log));
    }

    private static async Task<string> ReadLogAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            // Shared: the build may be writing it now.
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(file);
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return "";
        }
        catch (DirectoryNotFoundException)
        {
            return "";
        }
    }

    /// <summary>The read token in <c>Authorization: Bearer</c>, or as HTTP Basic's password (as git sends it).</summary>
    private static IResult Download(string user, string name, string sha, HttpRequest request, GitTokens tokens, Artifacts artifacts)
    {
        var secret = SecretOf(request, basic: true);
        if (!FunctionNameAttribute.IsValidName(name) || !Shas.IsValid(sha) || sha.Length != 40 || secret is null
            || !tokens.IsReadToken(secret, user, name))
        {
            // The same answer for a wrong token and an unknown function: nothing tells them apart.
            return TypedResults.Problem("A function's read token is required.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }
        if (artifacts.Find(new FunctionId(user, name), sha.ToLowerInvariant()) is not { } artifact)
        {
            return TypedResults.Problem($"{sha[..12]} has no build.", statusCode: StatusCodes.Status404NotFound, title: "No build");
        }
        return TypedResults.PhysicalFile(artifact, "application/gzip");
    }

    /// <summary>
    /// The secret a build's client sends: <c>Authorization: Bearer</c>'s token, or with
    /// <paramref name="basic"/> also HTTP Basic's password (as git sends a token); null for none.
    /// </summary>
    internal static string? SecretOf(HttpRequest request, bool basic)
    {
        if (!System.Net.Http.Headers.AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header))
        {
            return null;
        }
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Parameter?.Trim();
        }
        return basic && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && GitCredentials.TryDecode(header.Parameter, out _, out var secret)
            ? secret
            : null;
    }
}
