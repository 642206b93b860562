using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

public enum CommitStatus
{
    Created,
    /// <summary>The branch is not (or no longer) at the parent the changes were made on.</summary>
    Stale,
    /// <summary>The changes do not apply to the parent's files.</summary>
    Invalid,
    /// <summary>The branch stayed locked by a push or another commit; nothing changed.</summary>
    Busy,
}

/// <param name="Head">The branch's commit when <see cref="CommitStatus.Stale"/>.</param>
public sealed record CommitResult(CommitStatus Status, Version? Created = null, string? Head = null,
    Dictionary<string, string[]>? Problems = null, string? Error = null);

/// <summary>
/// A commit of file changes on the default branch, with a push's rules: on its head only, never a
/// force. Blobs, trees and the commit are written first, unreferenced until the branch moves
/// (<see cref="BranchUpdates"/>); a refused commit's objects are left for gc to prune.
/// </summary>
public static class FileCommits
{
    public static async Task<CommitResult> WriteAsync(Repositories repositories, string user, string function, string parent, string message,
        IReadOnlyList<FileChange> changes, Signature author)
    {
        Version created;
        using (var repository = repositories.Open(user, function))
        {
            if (Head(repository) is not { } head || head.Sha != parent)
            {
                return new CommitResult(CommitStatus.Stale, Head: Head(repository)?.Sha);
            }
            if (ChangedTrees.Problems(head, changes) is { Count: > 0 } problems)
            {
                return new CommitResult(CommitStatus.Invalid, Problems: problems);
            }
            var tree = ChangedTrees.Build(repository, head, changes);
            if (tree is null || tree.Id == head.Tree.Id)
            {
                // An empty tree deploys nothing and a commit that changes nothing is noise in the versions.
                return new CommitResult(CommitStatus.Invalid, Problems: new()
                {
                    ["changes"] = [tree is null ? "A commit keeps at least one file; this one would delete them all." : "The changes leave every file as it was."],
                });
            }
            var commit = repository.ObjectDatabase.CreateCommit(author, author, message + "\n", tree, [head], prettifyMessage: false);
            // As the versions endpoint reads it back: git keeps whole seconds.
            created = new Version(commit.Sha, commit.Message.TrimEnd(), commit.Author.Name, commit.Author.Email, commit.Author.When);
        }
        var (moved, error) = await BranchUpdates.MoveAsync(repositories.PathOf(user, function), Repositories.DefaultBranch, created.Sha, parent);
        if (moved)
        {
            return new CommitResult(CommitStatus.Created, created);
        }
        using (var repository = repositories.Open(user, function))
        {
            var now = Head(repository)?.Sha;
            // The same changes by the same author in the same second are the same commit, already there.
            return now == created.Sha ? new CommitResult(CommitStatus.Created, created)
                : now != parent ? new CommitResult(CommitStatus.Stale, Head: now)
                : new CommitResult(CommitStatus.Busy, Error: error);
        }
    }

    /// <summary>The default branch's commit; null only for a repository that never had one.</summary>
    public static Commit? Head(Repository repository) =>
        repository.Refs[$"refs/heads/{Repositories.DefaultBranch}"]?.ResolveToDirectReference()?.Target as Commit;
}
