using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>
/// The entries under a tree that are not folders, depth first in git's order. Iterative, with a
/// depth bound: a pushed repository can nest trees a million deep for a few megabytes of pack,
/// and a recursive walk would overflow the stack and take the whole Api down with it.
/// </summary>
public static class TreeWalk
{
    /// <summary>Deeper than any checkout can go: a path has at most 4096 bytes (PATH_MAX), so at most 2048 one-letter folders.</summary>
    public const int MaxDepth = 2048;

    /// <summary>Files, symlinks and submodules under <paramref name="tree"/>; a folder past <see cref="MaxDepth"/> is yielded itself, unwalked.</summary>
    /// <param name="prefix">The tree's own path followed by '/', or "" for the root.</param>
    public static IEnumerable<(string Path, TreeEntry Entry)> Files(Tree tree, string prefix)
    {
        var folders = new Stack<(IEnumerator<TreeEntry> Entries, string Prefix)>();
        folders.Push((tree.GetEnumerator(), prefix));
        try
        {
            while (folders.TryPeek(out var folder))
            {
                if (!folder.Entries.MoveNext())
                {
                    folders.Pop().Entries.Dispose();
                    continue;
                }
                var entry = folder.Entries.Current;
                var path = folder.Prefix + entry.Name;
                if (entry.TargetType == TreeEntryTargetType.Tree && folders.Count < MaxDepth)
                {
                    folders.Push((((Tree)entry.Target).GetEnumerator(), path + "/"));
                    continue;
                }
                yield return (path, entry);
            }
        }
        finally
        {
            while (folders.TryPop(out var folder))
            {
                folder.Entries.Dispose();
            }
        }
    }
}
