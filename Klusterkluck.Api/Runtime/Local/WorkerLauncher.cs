using System.Diagnostics;
using Klusterkluck.Api.Runtime.Local.Sandbox;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>
/// A worker process, the address it will say it listens on, and how many processes down from the
/// one started the worker itself runs (inside a sandbox: bwrap, its init, then the worker).
/// </summary>
/// <param name="Log">The log its output went to from its start, when not the replica's own (a pool worker's).</param>
internal sealed record Launched(Process Process, Task<string> Address, int Depth, LogBuffer? Log = null);

/// <summary>Starts one worker process, sandboxed, with the worker's environment contract (DESIGN.md, "Worker").</summary>
internal sealed class WorkerLauncher(WorkerProgram program, TokenIssuer issuer, WorkerSockets sockets, FunctionSandbox sandbox)
{
    private const string ArtifactInside = "/srv/build";

    /// <summary>Starts a worker; <see cref="Launched.Address"/> completes with its address once it listens.</summary>
    public Launched Start(FunctionDeployment deployment, LogBuffer log)
    {
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
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        return Launch(process, readOnly, id.User, deployment.Limits, log, listening, null);
    }

    /// <summary>
    /// Starts a pool worker warmed for <paramref name="kind"/>, as its own fresh uid (where tenants
    /// have uids) since its tenant is not known yet. <paramref name="pooled"/> completes with its
    /// address once it has started all it can and waits for a function.
    /// </summary>
    public Launched StartPooled(string kind, string key, string uidName, WorkerLimits limits, LogBuffer log, TaskCompletionSource<string> pooled)
    {
        var (process, readOnly) = program.CreateGeneric($"pool/{kind}");
        process.StartInfo.Environment["KK_POOL_KEY"] = key;
        process.StartInfo.Environment["KK_POOL_KIND"] = kind;
        // The issuer a private function trusts: the worker fetches its keys while it waits.
        process.StartInfo.Environment["KK_POOL_AUTH_AUTHORITY"] = issuer.Authority;
        if (issuer.Audience is { } audience)
        {
            process.StartInfo.Environment["KK_POOL_AUTH_AUDIENCE"] = audience;
        }
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        return Launch(process, readOnly, uidName, limits, log, listening, pooled);
    }

    /// <summary>What a function handed to a pool worker needs besides its code (PoolProtocol).</summary>
    public void DescribeHandOver(FunctionDeployment deployment, HttpRequestMessage request)
    {
        request.Headers.Add(PoolProtocol.FunctionHeader, deployment.Id.ToString());
        request.Headers.Add(PoolProtocol.CommitHeader, deployment.Commit);
        if (!deployment.Public)
        {
            request.Headers.Add(PoolProtocol.AuthorityHeader, issuer.Authority);
            if (issuer.Audience is { } audience)
            {
                request.Headers.Add(PoolProtocol.AudienceHeader, audience);
            }
        }
    }

    private Launched Launch(Process process, List<(string Host, string Inside)> readOnly, string user, WorkerLimits limits,
        LogBuffer log, TaskCompletionSource<string> listening, TaskCompletionSource<string>? pooled)
    {
        // Port 0: the kernel picks a free loopback port as the worker binds it, and the worker
        // says which; a port chosen here and bound later could be taken in between. The Api
        // itself uses the worker's Unix socket (WorkerSockets).
        var (folder, address) = sockets.Next();
        var info = process.StartInfo;
        var socket = Path.Combine(sandbox.PathInside(folder), WorkerSockets.SocketName);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:0;http://unix:{socket}";
        foreach (var (name, value) in limits.Environment())
        {
            info.Environment[name] = value;
        }
        sandbox.Confine(info, user, folder, readOnly);
        process.Exited += (_, _) => WorkerSockets.Remove(folder);
        try
        {
            ChildProcess.Start(process, log, text =>
            {
                if (text.StartsWith(WorkerLines.Listening + "http://unix:", StringComparison.Ordinal))
                {
                    listening.TrySetResult(address);
                }
                else if (pooled is not null && text == WorkerLines.Pooled)
                {
                    pooled.TrySetResult(address);
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
