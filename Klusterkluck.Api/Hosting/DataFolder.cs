namespace Klusterkluck.Api.Hosting;

/// <summary>
/// Where the Api keeps what must survive a restart on one machine: the SQLite store, the
/// identity provider's keys (and, later, the function repositories). Config key <c>DataFolder</c>,
/// default <c>./.klusterkluck</c>, relative to the current directory.
/// </summary>
public sealed record DataFolder(string Path)
{
    public const string ConfigKey = "DataFolder";

    public static DataFolder From(IConfiguration configuration)
    {
        var path = System.IO.Path.GetFullPath(configuration[ConfigKey] is { Length: > 0 } configured ? configured : ".klusterkluck");
        // Keys and password hashes live here: nobody but the Api's own user may read it.
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new DataFolder(path);
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
