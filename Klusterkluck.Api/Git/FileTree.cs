using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>The files of a commit, for an editor: every blob and submodule under the root, sorted by path.</summary>
public static class FileTree
{
    /// <summary>A listing stops here and says it was truncated: a browser cannot show more, and the Api should not build more.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>
    /// How much file content one listing reads to tell text from binary; files past it are listed
    /// with <c>binary</c> null. Without it, a listing of 10 000 files of 1 MiB would inflate 10 GB.
    /// </summary>
    public const long MaxProbedBytes = 32 * 1024 * 1024;

    /// <returns>Truncated: more than <see cref="MaxEntries"/> files, or folders nested past <see cref="TreeWalk.MaxDepth"/>.</returns>
    public static (IReadOnlyList<FileContent> Entries, bool Truncated) List(Repository repository, Commit commit)
    {
        var entries = new List<FileContent>();
        var probed = 0L;
        var truncated = false;
        foreach (var (path, entry) in TreeWalk.Files(commit.Tree, ""))
        {
            if (entry.TargetType == TreeEntryTargetType.Tree || entries.Count == MaxEntries)
            {
                truncated = true;
                if (entries.Count == MaxEntries)
                {
                    break;
                }
                continue;
            }
            var file = FileContent.Of(repository, path, entry, read: probed < MaxProbedBytes);
            if (file.Binary is not null)
            {
                probed += file.Size;
            }
            // The text itself is not part of a listing.
            entries.Add(file with { Content = null });
        }
        // git orders a tree's entries as if folders ended in '/', so a depth-first walk already
        // yields byte order of the full paths, and the first 10 000 are the first by path; sorting
        // again costs little and does not rely on it.
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return (entries, truncated);
    }
}
