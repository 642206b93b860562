using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Builds;

/// <summary>One build to run: the function at a commit, where its artifact must end up, and its log.</summary>
public sealed record BuildJob(FunctionId Id, string Commit, string ArtifactPath, BuildLog Log);

/// <summary>
/// Where builds run, beside the runtime: in the functions' sandbox on this machine (Local), or as a
/// Job in the user's namespace (Kubernetes). Both run the worker's <c>build</c> mode.
/// </summary>
public interface IBuilder
{
    /// <summary>Runs the build to its end: null once the artifact is at <see cref="BuildJob.ArtifactPath"/>, or why it failed (one line).</summary>
    Task<string?> BuildAsync(BuildJob job, CancellationToken cancellationToken);
}
