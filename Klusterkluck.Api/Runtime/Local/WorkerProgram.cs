using System.Diagnostics;
using Klusterkluck.Api.Git;
using Klusterkluck.Api.Runtime.Local.Sandbox;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// The worker's program about to run sandboxed for one function at one commit, serving
/// (<see cref="WorkerLauncher"/>) or building (<see cref="LocalBuilder"/>): the dotnet host, the
/// worker's own folder and the function's repository are shown read-only at fixed paths, so the
/// function learns nothing of the host's folders (the data folder's path above all), and
/// KK_GIT_URL, KK_GIT_COMMIT and KK_FUNCTION say what to run.
/// </summary>
internal sealed class WorkerProgram(IOptions<LocalRuntimeOptions> options, Repositories repositories, FunctionSandbox sandbox)
{
    private const string WorkerInside = "/opt/klusterkluck/worker";
    private const string RepositoryInside = "/srv/function.git";

    /// <summary>The process, not started, and what it must see read-only (add to it, then pass it to <see cref="FunctionSandbox.Confine"/>).</summary>
    /// <param name="serviceName">Its telemetry's service name; null for none.</param>
    public (Process Process, List<(string Host, string Inside)> ReadOnly) Create(FunctionId id, string commit, string? serviceName)
    {
        var (process, readOnly) = CreateGeneric(serviceName);
        var repository = repositories.PathOf(id.User, id.Name);
        readOnly.Add((repository, RepositoryInside));
        var environment = process.StartInfo.Environment;
        environment["KK_GIT_URL"] = sandbox.PathInside(repository, RepositoryInside);
        environment["KK_GIT_COMMIT"] = commit;
        environment["KK_FUNCTION"] = id.ToString();
        return (process, readOnly);
    }

    /// <summary>The worker's program with no function's repository in sight: a pool worker, given its function's code later.</summary>
    public (Process Process, List<(string Host, string Inside)> ReadOnly) CreateGeneric(string? serviceName)
    {
        var worker = options.Value.ResolvedWorkerAssembly;
        var workerFolder = Path.GetDirectoryName(worker)!;
        var dotnet = Path.GetDirectoryName(ChildProcess.DotnetHost())!;
        List<(string Host, string Inside)> readOnly = [(dotnet, dotnet), (workerFolder, WorkerInside)];
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && Directory.Exists(root))
        {
            readOnly.Add((Path.GetFullPath(root), Path.GetFullPath(root)));
        }
        var process = ChildProcess.Create(Path.Combine(sandbox.PathInside(workerFolder, WorkerInside), Path.GetFileName(worker)), serviceName);
        return (process, readOnly);
    }
}
