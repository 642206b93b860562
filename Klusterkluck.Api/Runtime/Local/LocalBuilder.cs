using Klusterkluck.Api.Builds;
using Klusterkluck.Api.Hosting;
using Klusterkluck.Api.Runtime.Local.Sandbox;
using Klusterkluck.Functions;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// Builds on this machine: the worker's <c>build</c> mode in the functions' sandbox, as the
/// tenant's uid, in a folder of its own, seeing the repository, the worker's files and the
/// tenant's build cache (npm's and NuGet's, kept between builds), with only the builder's
/// environment. At the time limit it is killed with everything it started.
/// </summary>
internal sealed class LocalBuilder(WorkerProgram program, IOptions<BuildOptions> options, DataFolder data, FunctionSandbox sandbox) : IBuilder
{
    private const string CacheInside = "/var/cache/klusterkluck";

    /// <summary>The builder stops its own commands at the limit and says which; this is only for a builder that does not.</summary>
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);

    public async Task<string?> BuildAsync(BuildJob job, CancellationToken cancellationToken)
    {
        var id = job.Id;
        var folder = Directory.CreateTempSubdirectory("kk-build-").FullName;
        try
        {
            var cache = Directory.CreateDirectory(data.Combine("build-cache", id.User)).FullName;
            sandbox.OwnTree(cache, id.User);
            // No telemetry: a build is not a service, and its commands get none of the Api's settings.
            var (process, readOnly) = program.Create(id, job.Commit, serviceName: null);
            var info = process.StartInfo;
            info.ArgumentList.Add("build");
            var inside = sandbox.PathInside(folder);
            info.Environment["KK_WORK_DIR"] = Path.Combine(inside, "tree");
            info.Environment["KK_BUILD_OUTPUT"] = Path.Combine(inside, Artifacts.ArtifactFile);
            info.Environment["KK_BUILD_CACHE"] = sandbox.PathInside(cache, CacheInside);
            foreach (var (name, value) in options.Value.BuilderEnvironment())
            {
                info.Environment[name] = value;
            }
            sandbox.Confine(info, id.User, folder, readOnly, writable: [(cache, CacheInside)], memoryMiB: options.Value.MemoryMiB);
            string? reason = null;
            try
            {
                ChildProcess.Start(process, (stream, text) =>
                {
                    // The builder's last word is the reason, recorded as such, not a line of the log.
                    if (stream == "stderr" && text.StartsWith(WorkerLines.Prefix, StringComparison.Ordinal))
                    {
                        reason = text[WorkerLines.Prefix.Length..];
                        return;
                    }
                    job.Log.Add(text);
                });
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return $"cannot start the build: {e.Message}";
            }
            using (process)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(options.Value.Timeout + s_grace);
                try
                {
                    await ChildProcess.WaitForExitAsync(process, limit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                    cancellationToken.ThrowIfCancellationRequested();
                    return $"the build did not finish within {options.Value.Timeout.TotalSeconds:0} s; it was killed with everything it started";
                }
                if (process.ExitCode != 0)
                {
                    return reason ?? $"the builder exited with code {process.ExitCode}";
                }
            }
            File.Move(Path.Combine(folder, Artifacts.ArtifactFile), job.ArtifactPath);
            return null;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A process of the build may still be letting go of a file; the temporary folder goes with the machine's.
            }
        }
    }
}
