using Klusterkluck.Functions;
using LibGit2Sharp;

namespace Klusterkluck.Api.Git;

/// <summary>
/// The function repositories on disk: one bare repository per function,
/// <c>{DataFolder}/repos/{user}/{function}.git</c>, its history on the branch <c>main</c>.
/// </summary>
public sealed class Repositories(DataFolder data)
{
    public const string DefaultBranch = "main";


    /// <summary>The folder holding one user's repositories: git http-backend's project root for that user.</summary>
    public string UserRoot(string user) => data.Combine("repos", user);

    public string PathOf(string user, string function) => Path.Combine(UserRoot(user), $"{function}.git");

    public bool Exists(string user, string function) => Directory.Exists(PathOf(user, function));

    /// <summary>
    /// Creates the bare repository with the kind's template as its first commit and returns that
    /// commit's sha. A leftover folder from a function whose removal was interrupted is replaced.
    /// </summary>
    public string Create(string user, string function, FunctionKind kind)
    {
        var path = PathOf(user, function);
        Delete(user, function);
        Directory.CreateDirectory(UserRoot(user), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Repository.Init(path, isBare: true);
        using var repository = new Repository(path);
        // Every version listed must stay deployable, so history is never rewritten or deleted:
        // a forced push could orphan the deployed commit and let git's gc prune it.
        repository.Config.Set("receive.denyNonFastForwards", true);
        repository.Config.Set("receive.denyDeletes", true);
        repository.Config.Set("http.receivepack", true);

        var tree = new TreeDefinition();
        foreach (var file in FunctionTemplates.For(kind))
        {
            using var content = new MemoryStream(file.Content);
            var blob = repository.ObjectDatabase.CreateBlob(content);
            tree.Add(file.Path, blob, file.Executable ? Mode.ExecutableFile : Mode.NonExecutableFile);
        }
        var now = new Signature("Klusterkluck", "klusterkluck@localhost", DateTimeOffset.UtcNow);
        var commit = repository.ObjectDatabase.CreateCommit(now, now, $"Create the {kind.ToName()} function {function} from its template\n",
            repository.ObjectDatabase.CreateTree(tree), [], prettifyMessage: true);
        repository.Refs.Add($"refs/heads/{DefaultBranch}", commit.Id);
        repository.Refs.UpdateTarget("HEAD", $"refs/heads/{DefaultBranch}");
        return commit.Sha;
    }

    public void Delete(string user, string function)
    {
        var path = PathOf(user, function);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Opens a function's repository for reading; the caller disposes it.</summary>
    public Repository Open(string user, string function) => new(PathOf(user, function));
}
