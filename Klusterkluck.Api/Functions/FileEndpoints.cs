using System.Security.Claims;
using Klusterkluck.Api.Git;
using LibGit2Sharp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// A function's files at a commit, and commits of changed files, for an editor in a browser. They
/// hang off the functions group (the caller's own functions only) and follow a git push's rules:
/// the owner only, on the head of main only, never a force, within <c>Limits:MaxPushBytes</c>.
/// </summary>
public static class FileEndpoints
{
    public static RouteGroupBuilder MapFiles(this RouteGroupBuilder group)
    {
        var limits = ((IEndpointRouteBuilder)group).ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>();
        group.MapGet("/{name}/tree", TreeAsync)
            .WithSummary("List the files of a version")
            .WithDescription($"Every file of the commit (ref, default the head of main), sorted by path, at most {FileTree.MaxEntries}: "
                + "its kind, size, mode, and whether it is binary or too large to open.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{name}/files/{**path}", FileAsync)
            .WithSummary("Read a file of a version")
            .WithDescription($"The file at path in the commit (ref, default the head of main), its text included unless it is binary "
                + $"(a NUL among its first {FileContent.BinaryProbeBytes} bytes, or not UTF-8) or larger than {FileContent.MaxContentBytes} bytes.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{name}/commits", CommitAsync)
            .WithSummary("Commit changed files")
            .WithDescription("Adds, changes and deletes files in one commit on main, as a push would: only on the head of main (parent), "
                + "else 409 with the current head. Does not deploy: PUT versions/{sha} does.")
            .WithMetadata(new PushSizedBody(limits))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <param name="version">A commit sha, full or abbreviated; the head of main when omitted.</param>
    private static async Task<Results<Ok<TreeResponse>, ValidationProblem, ProblemHttpResult>> TreeAsync(string name, ClaimsPrincipal user,
        FunctionService functions, Repositories repositories, CancellationToken cancellationToken, [FromQuery(Name = "ref")] string? version = null)
    {
        if (BadRef(version) is { } bad)
        {
            return bad;
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return FunctionEndpoints.NotFound(name);
        }
        using var repository = repositories.Open(function.Owner, function.Name);
        if (Resolve(repository, version) is not { } commit)
        {
            return FunctionEndpoints.UnknownVersion(name, version ?? Repositories.DefaultBranch);
        }
        var (entries, truncated) = FileTree.List(repository, commit);
        return TypedResults.Ok(new TreeResponse(commit.Sha,
            entries.Select(e => new TreeEntryResponse(e.Path, e.Kind, e.Size, e.Executable, e.Binary, e.TooLarge)).ToList(), truncated));
    }

    /// <param name="version">A commit sha, full or abbreviated; the head of main when omitted.</param>
    private static async Task<Results<Ok<FileResponse>, ValidationProblem, ProblemHttpResult>> FileAsync(string name, string? path,
        ClaimsPrincipal user, FunctionService functions, Repositories repositories, CancellationToken cancellationToken,
        [FromQuery(Name = "ref")] string? version = null)
    {
        if (BadRef(version) is { } bad)
        {
            return bad;
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return FunctionEndpoints.NotFound(name);
        }
        using var repository = repositories.Open(function.Owner, function.Name);
        if (Resolve(repository, version) is not { } commit)
        {
            return FunctionEndpoints.UnknownVersion(name, version ?? Repositories.DefaultBranch);
        }
        var entry = Entry(commit, path);
        if (entry is null or { TargetType: TreeEntryTargetType.Tree or TreeEntryTargetType.GitLink })
        {
            var what = entry is null ? $"There is no file '{path}'" : entry.TargetType == TreeEntryTargetType.Tree ? $"'{path}' is a folder"
                : $"'{path}' is a submodule, whose files are in another repository";
            return TypedResults.Problem($"{what} in {commit.Sha}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown file");
        }
        var file = FileContent.Of(repository, path!, entry, read: true);
        return TypedResults.Ok(new FileResponse(file.Path, commit.Sha, file.Kind, file.Size, file.Executable, file.Binary, file.TooLarge, file.Content));
    }

    private static async Task<Results<Created<VersionResponse>, ValidationProblem, ProblemHttpResult>> CommitAsync(string name, CommitRequest body,
        ClaimsPrincipal user, FunctionService functions, Repositories repositories, IOptions<LimitsOptions> limits, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var (problems, changes) = CommitRules.Check(body);
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }
        if (changes.Sum(c => (long)(c.Content?.Length ?? 0)) is var bytes && bytes > limits.Value.MaxPushBytes)
        {
            var key = LimitsOptions.Key(nameof(LimitsOptions.MaxPushBytes));
            return TypedResults.Problem($"A commit, as a push, may carry at most {limits.Value.MaxPushBytes} bytes; this one has {bytes} ({key}).",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Commit too large", extensions: new Dictionary<string, object?> { ["limit"] = key });
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return FunctionEndpoints.NotFound(name);
        }
        var parent = body.Parent!.ToLowerInvariant();
        // Not cancelled once started: the branch either moves or it does not, whatever the client does.
        var result = await FileCommits.WriteAsync(repositories, function.Owner, function.Name, parent, body.Message!.Trim(), changes,
            CommitAuthors.Of(user));
        switch (result.Status)
        {
            case CommitStatus.Created:
                var created = result.Created!;
                return TypedResults.Created($"/api/v1/functions/{function.Name}/tree?ref={created.Sha}",
                    new VersionResponse(created.Sha, created.Message, created.Author, created.AuthorEmail, created.Time, Deployed: false));
            case CommitStatus.Invalid:
                return Invalid(result.Problems!);
            case CommitStatus.Stale:
                return TypedResults.Problem(
                    $"The changes were made on {parent}, but main is now at {result.Head}: read the files again, redo the changes on them, and commit with that parent.",
                    statusCode: StatusCodes.Status409Conflict, title: "The function changed since you opened it",
                    extensions: new Dictionary<string, object?> { ["head"] = result.Head });
            default:
                response.Headers.RetryAfter = "5";
                return TypedResults.Problem($"A push or another commit held main too long; nothing was committed ({result.Error}).",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "The repository is busy");
        }
    }

    private static ValidationProblem? BadRef(string? version) => version is null || Shas.IsValid(version) ? null
        : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ref"] = ["ref is a commit sha: 4 to 40 hexadecimal digits."] });

    /// <summary>The commit <paramref name="version"/> names among the versions (as a deploy finds it), or main's head.</summary>
    private static Commit? Resolve(Repository repository, string? version) =>
        version is null ? FileCommits.Head(repository) : History.Find(repository, version.ToLowerInvariant());

    private static TreeEntry? Entry(Commit commit, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        try
        {
            return commit[path];
        }
        catch (LibGit2SharpException)
        {
            // A path libgit2 will not look up ("a//b", "./a") names no file.
            return null;
        }
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> problems) =>
        TypedResults.ValidationProblem(problems, title: "The commit is not valid",
            detail: $"{problems.Values.Sum(p => p.Length)} problem(s); each is listed under where it is. Nothing was committed.");

    /// <summary>
    /// The body's bound follows <c>Limits:MaxPushBytes</c>, read when a request comes (the options
    /// are validated at start, after mapping). Twice the limit, as for git: JSON escapes text (a
    /// newline is two bytes), and the content's own size is checked against the limit exactly.
    /// </summary>
    private sealed class PushSizedBody(IOptions<LimitsOptions> limits) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => 2 * limits.Value.MaxPushBytes + 1024 * 1024;
    }
}
