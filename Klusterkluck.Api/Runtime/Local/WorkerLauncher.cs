using System.Diagnostics;
using Klusterkluck.Api.Git;
using Klusterkluck.Functions;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Runtime.Local;

/// <summary>A worker process, and the address it will say it listens on.</summary>
internal sealed record Launched(Process Process, Task<string> Address);

/// <summary>Starts one worker process with the worker's environment contract (DESIGN.md, "Worker").</summary>
internal sealed class WorkerLauncher(IOptions<LocalRuntimeOptions> options, Repositories repositories, TokenIssuer issuer, WorkerSockets sockets)
{
    /// <summary>Starts a worker; <see cref="Launched.Address"/> completes with its address once it listens.</summary>
    public Launched Start(FunctionDeployment deployment, LogBuffer log)
    {
        // Port 0: the kernel picks a free loopback port as the worker binds it, and the worker
        // says which; a port chosen here and bound later could be taken in between. The Api
        // itself uses the worker's Unix socket (WorkerSockets).
        var (socket, address) = sockets.Next();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Create(options.Value.ResolvedWorkerAssembly, log, deployment.Id.ToString(), text =>
        {
            if (text.StartsWith(WorkerLines.Listening + "http://unix:", StringComparison.Ordinal))
            {
                listening.TrySetResult(address);
            }
        });
        var info = process.StartInfo;
        var id = deployment.Id;
        info.Environment["KK_GIT_URL"] = repositories.PathOf(id.User, id.Name);
        info.Environment["KK_GIT_COMMIT"] = deployment.Commit;
        info.Environment["KK_FUNCTION"] = id.ToString();
        if (!deployment.Public)
        {
            info.Environment["KK_AUTH_AUTHORITY"] = issuer.Authority;
            info.Environment["KK_AUTH_AUDIENCE"] = issuer.Audience;
        }
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:0;http://unix:{socket}";
        // Kestrel removes its socket when it stops; a killed worker leaves it behind.
        process.Exited += (_, _) => File.Delete(socket);
        ChildProcess.Start(process);
        return new Launched(process, listening.Task);
    }
}
