using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.Functions;

/// <summary>
/// Follows a deploy until the function serves the commit or the deploy failed: a spinner with the
/// state on a terminal, a line per state otherwise. A failure ends the command (exit 1) with the
/// reason, the build's last lines when the build failed, and the replicas' last lines.
/// </summary>
public static class DeployWatch
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(500);

    public static async Task<FunctionInfo> UntilDoneAsync(CliContext kk, string name, string commit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        FunctionInfo? function = null;
        async Task Follow(Action<string> show)
        {
            var deadline = DateTime.UtcNow + timeout;
            string? shown = null;
            while (true)
            {
                function = kk.Ok(await kk.Platform.FunctionAsync(name, cancellationToken));
                var deployment = function.Deployment;
                if (deployment.Commit != commit)
                {
                    throw new CliException(ExitCodes.Refused, $"Another deploy (of {Show.Short(deployment.Commit)}) replaced this one.");
                }
                if (deployment.Status is "ready" or "failed")
                {
                    return;
                }
                if (deployment.Status != shown)
                {
                    show(shown = deployment.Status);
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new CliException(ExitCodes.Refused,
                        $"{name} is still {deployment.Status} after {timeout.TotalSeconds:F0} s; kk fn get {name} shows how it goes on.");
                }
                await Task.Delay(s_poll, cancellationToken);
            }
        }
        await kk.Output.FollowAsync($"Deploying {Show.Short(commit)}…", async show =>
        {
            await Follow(state => show($"{Show.Escape(name)} {Show.Short(commit)}: {state}…"));
            return true;
        });
        if (function!.Deployment.Status == "failed")
        {
            throw new CliException(ExitCodes.Refused, $"The deploy of {Show.Short(commit)} failed: {function.Deployment.Error}",
                await CluesAsync(kk, function, cancellationToken));
        }
        return function;
    }

    /// <summary>What a failed deploy left to read: the build log's end, and what the replicas of the commit wrote last.</summary>
    private static async Task<List<string>> CluesAsync(CliContext kk, FunctionInfo function, CancellationToken cancellationToken)
    {
        var clues = new List<string>();
        var commit = function.Deployment.Commit;
        if (function.Deployment.Build is not null && (await kk.Platform.BuildAsync(function.Name, commit, cancellationToken)).Value is { State: "failed" } build)
        {
            clues.Add("The build's last lines:");
            clues.AddRange(build.Log.TrimEnd().Split('\n').TakeLast(20).Select(line => "  " + line.TrimEnd('\r')));
        }
        if ((await kk.Platform.LogsAsync(function.Name, 20, cancellationToken)).Value is { } logs)
        {
            var lines = logs.Replicas.Where(r => r.Commit == commit).SelectMany(r => r.Lines).OrderBy(l => l.Time).TakeLast(20).ToList();
            if (lines.Count > 0)
            {
                clues.Add("The replicas' last lines:");
                clues.AddRange(lines.Select(l => "  " + l.Text));
            }
        }
        return clues;
    }
}
