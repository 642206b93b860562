using Klusterkluck.Functions;
using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>One commit of a function's history.</summary>
public sealed record Version(string Sha, string Message, string Author, string AuthorEmail, DateTimeOffset Time);

/// <summary>Reads a function's history and the klusterkluck.yaml of a commit, straight from the bare repository.</summary>
public static class History
{
    /// <summary>The default branch's commits, newest first.</summary>
    public static IReadOnlyList<Version> Versions(Repository repository, int limit)
    {
        var head = repository.Refs[$"refs/heads/{Repositories.DefaultBranch}"];
        if (head is null)
        {
            return [];
        }
        var filter = new CommitFilter { IncludeReachableFrom = head, SortBy = CommitSortStrategies.Time | CommitSortStrategies.Topological };
        return repository.Commits.QueryBy(filter).Take(limit)
            .Select(c => new Version(c.Sha, c.Message.TrimEnd(), c.Author.Name, c.Author.Email, c.Author.When))
            .ToList();
    }

    /// <summary>
    /// The commit <paramref name="sha"/> names (full or abbreviated), if some branch reaches it: an
    /// unreachable object may be pruned by git's gc, so it is not a version.
    /// </summary>
    public static Commit? Find(Repository repository, string sha)
    {
        Commit? commit;
        try
        {
            commit = repository.Lookup<Commit>(sha);
        }
        catch (LibGit2SharpException)
        {
            // Ambiguous abbreviations are as unknown as missing ones.
            return null;
        }
        if (commit is null)
        {
            return null;
        }
        foreach (var branch in repository.Branches)
        {
            if (branch.Tip is { } tip && (tip.Id == commit.Id || repository.ObjectDatabase.FindMergeBase(tip, commit)?.Id == commit.Id))
            {
                return commit;
            }
        }
        return null;
    }

    /// <summary>Reads and checks the commit's klusterkluck.yaml; throws <see cref="FunctionConfigException"/>.</summary>
    public static FunctionConfig Config(Repository repository, Commit commit)
    {
        if (commit[FunctionConfig.FileName]?.Target is not Blob blob)
        {
            throw new FunctionConfigException($"{FunctionConfig.FileName} is missing at the repository root");
        }
        // The object's header only: the size is known before its content is inflated.
        if (repository.ObjectDatabase.RetrieveObjectMetadata(blob.Id).Size is var size and > FunctionConfig.MaxFileBytes)
        {
            throw FunctionConfigException.TooLarge(size);
        }
        return FunctionConfigReader.Parse(blob.GetContentText());
    }
}
