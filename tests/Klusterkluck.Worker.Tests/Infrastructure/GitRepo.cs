using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>A real git repository made with the git command line, as a user would make one.</summary>
public sealed class GitRepo : IDisposable
{
    private readonly TempFolder _folder = new();

    public GitRepo()
    {
        Git("init", "-q", "-b", "main");
    }

    public string Path => _folder.Path;

    public string FileUrl => new Uri(Path + "/").AbsoluteUri.TrimEnd('/');

    public static GitRepo FromTemplate(FunctionKind kind)
    {
        var repo = new GitRepo();
        foreach (var file in FunctionTemplates.For(kind))
        {
            repo.Write(file.Path, file.Content, file.Executable);
        }
        repo.Commit("Template");
        return repo;
    }

    public GitRepo Write(string path, string content, bool executable = false) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), executable);

    public GitRepo Write(string path, byte[] content, bool executable = false)
    {
        var full = System.IO.Path.Combine(Path, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        File.SetUnixFileMode(full, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return this;
    }

    public GitRepo Symlink(string path, string target)
    {
        var full = System.IO.Path.Combine(Path, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, target);
        return this;
    }

    /// <summary>Commits everything in the work tree and returns the new commit's sha.</summary>
    public string Commit(string message) => GitCli.CommitAll(Path, message);

    public string Git(params string[] arguments) => GitCli.Run(Path, arguments);

    public void Dispose() => _folder.Dispose();
}
