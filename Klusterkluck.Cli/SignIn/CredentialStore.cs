using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klusterkluck.Cli.SignIn;

/// <summary>One server's sign-in: who, their tokens, and when the access token runs out.</summary>
public sealed record StoredSignIn(string Username, string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>The file: the server kk talks to unless told otherwise, and a sign-in per server.</summary>
public sealed record CredentialFile(string? Current, Dictionary<string, StoredSignIn> Servers)
{
    public static CredentialFile Empty => new(null, new Dictionary<string, StoredSignIn>());
}

/// <summary>
/// <c>$XDG_CONFIG_HOME/klusterkluck/credentials.json</c> (else <c>~/.config/…</c>): readable by its
/// owner only (0600, in a 0700 folder), replaced whole by a rename so a reader never sees half a file.
/// </summary>
public sealed class CredentialStore(string folder)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Path { get; } = System.IO.Path.Combine(folder, "credentials.json");

    public static string DefaultFolder(Func<string, string?> environment)
    {
        var config = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(config, "klusterkluck");
    }

    public CredentialFile Read()
    {
        try
        {
            var file = JsonSerializer.Deserialize<CredentialFile>(File.ReadAllText(Path), s_json);
            return file is null ? CredentialFile.Empty : file with { Servers = file.Servers ?? [] };
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return CredentialFile.Empty;
        }
        catch (JsonException)
        {
            // A damaged file is a lost sign-in, not a broken tool: kk login writes a new one.
            return CredentialFile.Empty;
        }
    }

    public void Write(CredentialFile file)
    {
        EnsureFolder();
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600: the tokens are never readable by anyone else, not even for a moment.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, file, s_json);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Reads, changes and writes the file; concurrent kk processes (git calls the helper often) take turns on a lock file.</summary>
    public CredentialFile Update(Func<CredentialFile, CredentialFile> change)
    {
        EnsureFolder();
        using var turn = Lock();
        var changed = change(Read());
        Write(changed);
        return changed;
    }

    private void EnsureFolder()
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// An exclusive lock on <c>credentials.json.lock</c>, which stays in place: a lock file deleted on
    /// close could be re-created by one process while another still waits on the old one.
    /// </summary>
    private FileStream Lock()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
