namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>A function's repository cloned with the stock git client over the Api's smart HTTP.</summary>
public sealed class Clone : IDisposable
{
    private readonly TempFolder _folder = new();

    private Clone(string url)
    {
        GitCli.Run(_folder.Path, "clone", "-q", url, "repo");
    }

    public string Path => System.IO.Path.Combine(_folder.Path, "repo");

    public static Clone Of(UserSession session, string function) => new(session.GitUrl(function));

    public Clone Write(string file, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, file), content);
        return this;
    }

    /// <summary>Commits everything; returns the new commit's sha.</summary>
    public string Commit(string message) => GitCli.CommitAll(Path, message);

    /// <summary>Commits everything and pushes to main; returns the new commit's sha.</summary>
    public string CommitAndPush(string message)
    {
        var sha = Commit(message);
        GitCli.Run(Path, "push", "-q", "origin", "main");
        return sha;
    }

    public void Dispose() => _folder.Dispose();
}
