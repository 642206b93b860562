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
    /// <summary>What a worker inherits from the Api: enough to run .NET, git and node, and to export telemetry. Not the Api's secrets.</summary>
    private static readonly string[] s_inherited = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DOTNET_ROOT", "KK_NODE"];

    /// <summary>Starts a worker; <see cref="Launched.Address"/> completes with its address once it listens.</summary>
    public Launched Start(FunctionDeployment deployment, LogBuffer log)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(options.Value.ResolvedWorkerAssembly);
        info.Environment.Clear();
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (s_inherited.Contains(name) || name.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                info.Environment[name] = value;
            }
        }
        var id = deployment.Id;
        info.Environment["KK_GIT_URL"] = repositories.PathOf(id.User, id.Name);
        info.Environment["KK_GIT_COMMIT"] = deployment.Commit;
        info.Environment["KK_FUNCTION"] = id.ToString();
        if (!deployment.Public)
        {
            info.Environment["KK_AUTH_AUTHORITY"] = issuer.Authority;
            info.Environment["KK_AUTH_AUDIENCE"] = issuer.Audience;
        }
        // Port 0: the kernel picks a free loopback port as the worker binds it, and the worker
        // says which; a port chosen here and bound later could be taken in between. The Api
        // itself uses the worker's Unix socket (WorkerSockets).
        var (socket, address) = sockets.Next();
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:0;http://unix:{socket}";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // A worker whose Api died, even by SIGKILL, sees its stdin close and exits: no orphans on the loopback.
        info.Environment["KK_EXIT_WITH_STDIN"] = "true";

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && text.StartsWith(WorkerLines.Listening + "http://unix:", StringComparison.Ordinal))
            {
                listening.TrySetResult(address);
            }
            Collect(log, "stdout", line.Data);
        };
        process.ErrorDataReceived += (_, line) => Collect(log, "stderr", line.Data);
        // Kestrel removes its socket when it stops; a killed worker leaves it behind.
        process.Exited += (_, _) => File.Delete(socket);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Launched(process, listening.Task);
    }

    /// <summary>The dotnet host running the Api, so that the worker runs on the same runtime.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static void Collect(LogBuffer log, string stream, string? line)
    {
        if (line is not null)
        {
            log.Add(stream, line);
        }
    }
}
