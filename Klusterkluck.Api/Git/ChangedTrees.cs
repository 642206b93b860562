using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>The tree a commit's file changes make of its parent's, built in the object database as git commit would, without a work tree.</summary>
public static class ChangedTrees
{
    /// <summary>Why each change cannot apply to <paramref name="parent"/>, keyed <c>changes[i].path</c>; empty when all can.</summary>
    public static Dictionary<string, string[]> Problems(Commit parent, IReadOnlyList<FileChange> changes)
    {
        var problems = new Dictionary<string, string[]>();
        var deleted = changes.Where(c => c.Action == FileAction.Delete).Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var added = changes.Select((c, i) => (c, i)).Where(x => x.c.Action == FileAction.Add).ToDictionary(x => x.c.Path, x => x.i, StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            var (path, action) = (changes[i].Path, changes[i].Action);
            var entry = parent[path];
            var problem = (action, entry?.TargetType, entry?.Mode) switch
            {
                (FileAction.Add, TreeEntryTargetType.Tree, _) => $"'{path}' is a folder.",
                (FileAction.Add, not null, _) => $"'{path}' already exists; change it instead.",
                (FileAction.Add, null, _) => Container(parent, path, deleted, added),
                (_, null, _) => $"There is no file '{path}' in {parent.Sha}.",
                (_, TreeEntryTargetType.Tree, _) => $"'{path}' is a folder; delete its files one by one.",
                (FileAction.Change, TreeEntryTargetType.GitLink, _) => $"'{path}' is a submodule, not a file.",
                (FileAction.Change, _, Mode.SymbolicLink) => $"'{path}' is a symbolic link; delete it and add a file instead.",
                _ => null,
            };
            if (problem is not null)
            {
                problems[$"changes[{i}].path"] = [problem];
            }
        }
        return problems;
    }

    /// <summary>The tree <paramref name="changes"/> make of <paramref name="parent"/>'s, once <see cref="Problems"/> found none; null when it holds no file at all.</summary>
    public static Tree? Build(Repository repository, Commit parent, IReadOnlyList<FileChange> changes)
    {
        var definition = TreeDefinition.From(parent.Tree);
        var deleted = changes.Where(c => c.Action == FileAction.Delete).Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var added = changes.Where(c => c.Action == FileAction.Add).Select(c => c.Path).ToList();
        var emptied = new Emptied(parent.Tree, deleted, added);
        if (emptied.Folder(""))
        {
            return null;
        }
        foreach (var path in deleted)
        {
            // git has no empty folders: one whose last file goes goes too, as do its parents.
            definition.Remove(Ancestors(path).Where(emptied.Folder).FirstOrDefault() ?? path);
        }
        foreach (var change in changes.Where(c => c.Action != FileAction.Delete))
        {
            using var content = new MemoryStream(change.Content!, writable: false);
            var blob = repository.ObjectDatabase.CreateBlob(content);
            var executable = change.Executable ?? (change.Action == FileAction.Change && parent[change.Path].Mode == Mode.ExecutableFile);
            definition.Add(change.Path, blob, executable ? Mode.ExecutableFile : Mode.NonExecutableFile);
        }
        return repository.ObjectDatabase.CreateTree(definition);
    }

    /// <summary>
    /// An added path needs its folders free: no file of the parent (unless deleted here) and no
    /// other added file may stand where one of its folders goes.
    /// </summary>
    private static string? Container(Commit parent, string path, HashSet<string> deleted, Dictionary<string, int> added)
    {
        foreach (var folder in Ancestors(path))
        {
            if (added.TryGetValue(folder, out var other))
            {
                return $"changes[{other}] adds '{folder}' as a file, so it cannot be a folder.";
            }
            if (parent[folder] is { TargetType: not TreeEntryTargetType.Tree } && !deleted.Contains(folder))
            {
                return $"'{folder}' is a file, so it cannot be a folder.";
            }
        }
        return null;
    }

    /// <summary>The folders holding <paramref name="path"/>, outermost first: a/b/c → a, a/b.</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    /// <summary>Which folders of the parent hold no file once the deletions are made and the additions are not under them.</summary>
    private sealed class Emptied(Tree root, HashSet<string> deleted, List<string> added)
    {
        private readonly Dictionary<string, bool> _known = new(StringComparer.Ordinal);

        /// <param name="path">A folder of the parent; "" for the root.</param>
        public bool Folder(string path)
        {
            if (!_known.TryGetValue(path, out var empty))
            {
                var prefix = path.Length == 0 ? "" : path + "/";
                var tree = path.Length == 0 ? root : (Tree)root[path].Target;
                // A folder nested too deep to walk (TreeWalk yields it unwalked) is kept.
                empty = deleted.Count > 0 && !added.Any(a => a.StartsWith(prefix, StringComparison.Ordinal))
                    && TreeWalk.Files(tree, prefix).All(file => file.Entry.TargetType != TreeEntryTargetType.Tree && deleted.Contains(file.Path));
                _known[path] = empty;
            }
            return empty;
        }
    }
}
