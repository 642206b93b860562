using System.Diagnostics;
using Klusterkluck.Api.Runtime.Local.Sandbox;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// A worker process, the address it will say it listens on, and how many processes down from the
/// one started the worker itself runs (inside a sandbox: bwrap, its init, then the worker).
/// </summary>
internal sealed record Launched(Process Process, Task<string> Address, int Depth);

/// <summary>Starts one worker process, sandboxed, with the worker's environment contract (DESIGN.md, "Worker").</summary>
internal sealed class WorkerLauncher(WorkerProgram program, TokenIssuer issuer, WorkerSockets sockets, FunctionSandbox sandbox)
{
    private const string ArtifactInside = "/srv/build";

    /// <summary>Starts a worker; <see cref="Launched.Address"/> completes with its address once it listens.</summary>
    public Launched Start(FunctionDeployment deployment, LogBuffer log)
    {
        // Port 0: the kernel picks a free loopback port as the worker binds it, and the worker
        // says which; a port chosen here and bound later could be taken in between. The Api
        // itself uses the worker's Unix socket (WorkerSockets).
        var (folder, address) = sockets.Next();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = deployment.Id;
        var (process, readOnly) = program.Create(id, deployment.Commit, id.ToString());
        var info = process.StartInfo;
        if (deployment.Artifact is { } artifact)
        {
            // The commit's build instead of a checkout, beside it and as read-only as the repository.
            var artifactFolder = Path.GetDirectoryName(artifact)!;
            readOnly.Add((artifactFolder, ArtifactInside));
            info.Environment["KK_ARTIFACT_URL"] = Path.Combine(sandbox.PathInside(artifactFolder, ArtifactInside), Path.GetFileName(artifact));
        }
        if (!deployment.Public)
        {
            info.Environment["KK_AUTH_AUTHORITY"] = issuer.Authority;
            info.Environment["KK_AUTH_AUDIENCE"] = issuer.Audience;
        }
        var socket = Path.Combine(sandbox.PathInside(folder), WorkerSockets.SocketName);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:0;http://unix:{socket}";
        foreach (var (name, value) in deployment.Limits.Environment())
        {
            info.Environment[name] = value;
        }
        sandbox.Confine(info, id.User, folder, readOnly);
        process.Exited += (_, _) => WorkerSockets.Remove(folder);
        try
        {
            ChildProcess.Start(process, log, text =>
            {
                if (text.StartsWith(WorkerLines.Listening + "http://unix:", StringComparison.Ordinal))
                {
                    listening.TrySetResult(address);
                }
            });
        }
        catch
        {
            WorkerSockets.Remove(folder);
            throw;
        }
        return new Launched(process, listening.Task, sandbox.Depth);
    }
}
