using System.Text.Json;
using Klusterkluck.Api.Hosting;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Builds;

/// <summary>
/// Builds as the data folder keeps them, one folder per (function, commit):
/// <c>builds/{user}/{function}/{sha}/</c> with <c>artifact.tar.gz</c> (present only once the build
/// succeeded), <c>build.log</c> and <c>build.json</c> (<see cref="BuildRecord"/>). Every replica
/// and every later deploy of the commit (a rollback, a restart) use the artifact as it is.
/// </summary>
public sealed class Artifacts(DataFolder data)
{
    public const string ArtifactFile = "artifact.tar.gz";
    private const string LogFile = "build.log";
    private const string RecordFile = "build.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public string FolderOf(FunctionId id, string commit) => data.Combine("builds", id.User, id.Name, commit);

    /// <summary>The commit's artifact, or null when it has none (never built, failed, or pruned).</summary>
    public string? Find(FunctionId id, string commit) => Path.Combine(FolderOf(id, commit), ArtifactFile) is var path && File.Exists(path) ? path : null;

    /// <summary>Whether the commit has a build, however it went: its record exists (not read, for a view that asks per function).</summary>
    public bool HasBuild(FunctionId id, string commit) => File.Exists(Path.Combine(FolderOf(id, commit), RecordFile));

    public string LogPath(FunctionId id, string commit) => Path.Combine(FolderOf(id, commit), LogFile);

    /// <summary>Where a build leaves the commit's artifact (written locally, or uploaded by a Job) before it is checked and kept.</summary>
    public string PartialPath(FunctionId id, string commit) => Path.Combine(FolderOf(id, commit), ArtifactFile + ".partial");

    public BuildRecord? Record(FunctionId id, string commit)
    {
        try
        {
            return JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(Path.Combine(FolderOf(id, commit), RecordFile)), s_json);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A fresh folder for the commit's build: any earlier attempt's files go.</summary>
    public string Begin(FunctionId id, string commit, DateTime started)
    {
        var folder = FolderOf(id, commit);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        // Readable by the function's own sandboxed workers, which get the folder bound read-only.
        Directory.CreateDirectory(folder);
        Write(id, new BuildRecord(commit, BuildStates.Building, null, started, null));
        return folder;
    }

    /// <summary>Written whole then renamed: a crash leaves the old record or the new one, never half of one.</summary>
    public void Write(FunctionId id, BuildRecord record)
    {
        var path = Path.Combine(FolderOf(id, record.Commit), RecordFile);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(record, s_json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Keeps the commits in <paramref name="keep"/> and the <paramref name="newest"/> most recent
    /// other builds of the function; removes the rest, their logs included.
    /// </summary>
    public void Prune(FunctionId id, IReadOnlySet<string> keep, int newest)
    {
        var root = data.Combine("builds", id.User, id.Name);
        if (!Directory.Exists(root))
        {
            return;
        }
        var others = new DirectoryInfo(root).EnumerateDirectories()
            .Where(d => !keep.Contains(d.Name))
            .Select(d => (Folder: d, Started: Record(id, d.Name)?.StartedAt ?? d.CreationTimeUtc))
            .OrderByDescending(b => b.Started)
            .Skip(newest);
        foreach (var (folder, _) in others)
        {
            folder.Delete(recursive: true);
        }
    }

    public void Delete(FunctionId id)
    {
        var root = data.Combine("builds", id.User, id.Name);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
