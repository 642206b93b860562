using Klusterkluck.Api.Git;
using Klusterkluck.Api.Hosting;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Functions;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Builds;

/// <summary>
/// A commit's artifact, built once: the first deploy of a commit that needs a build (npm
/// dependencies, a dotnet project, a build command) runs it; every later deploy of the commit
/// (another replica count, a rollback, a restart) finds the artifact and starts none. Two deploys
/// of one commit at once share one build.
/// </summary>
public sealed partial class BuildService(
    IBuilder builder, Artifacts artifacts, Repositories repositories, IOptions<BuildOptions> options, ILogger<BuildService> logger)
{
    private readonly KeyedLocks<(FunctionId, string)> _builds = new();

    /// <summary>
    /// The commit's artifact (a path), building it first if it has none; null when the commit needs
    /// no build. <paramref name="building"/> is called before a build starts. A failed build throws
    /// <see cref="DeployException"/> with the reason and the log's last lines.
    /// </summary>
    public async Task<string?> EnsureAsync(FunctionId id, string commit, Func<Task> building, CancellationToken cancellationToken)
    {
        if (!Needs(id, commit))
        {
            return null;
        }
        using var _ = await _builds.AcquireAsync((id, commit), cancellationToken);
        if (artifacts.Find(id, commit) is { } built)
        {
            return built;
        }
        await building();
        var started = DateTime.UtcNow;
        var folder = artifacts.Begin(id, commit, started);
        using var span = ApiTelemetry.Start(ApiTelemetry.Runtime, $"build {id}", id.User, id.Name, commit);
        string? failure;
        IReadOnlyList<string> tail;
        DateTime finished;
        using (var log = new BuildLog(artifacts.LogPath(id, commit)))
        {
            var artifact = artifacts.PartialPath(id, commit);
            failure = await builder.BuildAsync(new BuildJob(id, commit, artifact, log), cancellationToken);
            if (failure is null)
            {
                if (new FileInfo(artifact) is { Exists: true } file && file.Length <= (long)options.Value.MaxArtifactMiB * 1024 * 1024)
                {
                    File.Move(artifact, Path.Combine(folder, Artifacts.ArtifactFile));
                }
                else
                {
                    failure = File.Exists(artifact)
                        ? $"the artifact is larger than Builds:MaxArtifactMiB ({options.Value.MaxArtifactMiB} MiB)"
                        : "the build ended without an artifact";
                    File.Delete(artifact);
                }
            }
            tail = log.Tail();
            finished = DateTime.UtcNow;
            log.Add(failure is null ? $"Build succeeded in {(finished - started).TotalSeconds:0.0} s" : $"Build failed: {failure}");
        }
        artifacts.Write(id, new BuildRecord(commit, failure is null ? BuildStates.Succeeded : BuildStates.Failed, failure, started, finished));
        LogBuilt(logger, id.ToString(), commit[..Math.Min(12, commit.Length)], failure ?? "succeeded");
        if (failure is not null)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failure);
            // The reason, then what the build printed last (the compiler's error, npm's complaint): what the owner needs first.
            throw new DeployException($"the build failed: {failure}\n{string.Join('\n', tail)}".TrimEnd());
        }
        return artifacts.Find(id, commit);
    }

    /// <summary>Keeps the deployed commit's artifact, the one deployed before it, and the newest few others.</summary>
    public void Prune(FunctionId id, params string?[] keep) =>
        artifacts.Prune(id, keep.OfType<string>().ToHashSet(StringComparer.Ordinal), options.Value.KeepArtifacts);

    public void Forget(FunctionId id) => artifacts.Delete(id);

    private bool Needs(FunctionId id, string commit)
    {
        using var repository = repositories.Open(id.User, id.Name);
        if (History.Find(repository, commit) is not { } found)
        {
            throw new DeployException($"commit {commit} is not in the function's repository");
        }
        try
        {
            return BuildPlan.Needs(found, History.Config(repository, found));
        }
        catch (FunctionConfigException e)
        {
            throw new DeployException($"{FunctionConfig.FileName}: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Build of {Function} at {Commit}: {Outcome}")]
    private static partial void LogBuilt(ILogger logger, string function, string commit, string outcome);
}
