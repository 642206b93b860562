using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.Flows;

/// <summary>
/// After a deploy: waits until every connector of the flow runs (and one that listens, such as http,
/// says where), or one fails (exit 1 with the connector host's reason).
/// </summary>
public static class ConnectorWatch
{
    public static async Task<FlowInfo> UntilRunningAsync(CliContext kk, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var catalog = kk.Ok(await kk.Platform.ConnectorsAsync(cancellationToken));
        var listening = catalog.Where(c => c.Variables.Any(v => v.Listen)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        async Task<FlowInfo> Follow(Action<string> show)
        {
            var deadline = DateTime.UtcNow + timeout;
            string? shown = null;
            while (true)
            {
                var flow = kk.Ok(await kk.Platform.FlowAsync(name, cancellationToken));
                if (flow.Connectors.FirstOrDefault(c => c.State == "failed") is { } failed)
                {
                    throw new CliException(ExitCodes.Refused, $"The connector {failed.Node} failed: {failed.Error ?? "no reason given"}");
                }
                var listeners = flow.Nodes.Where(n => n.Ref is { } name && listening.Contains(name)).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
                bool Ready(ConnectorStatusInfo c) => c.State == "running" && (c.Url is not null || !listeners.Contains(c.Node));
                if (flow.Connectors.All(Ready))
                {
                    return flow;
                }
                var states = string.Join(", ", flow.Connectors.Where(c => !Ready(c)).Select(c => $"{c.Node} {(c.State == "running" ? "to listen" : c.State)}"));
                if (states != shown)
                {
                    show(shown = states);
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new CliException(ExitCodes.Refused, $"The connectors do not run after {timeout.TotalSeconds:F0} s: {states}.");
                }
                await Task.Delay(500, cancellationToken);
            }
        }
        return await kk.Output.FollowAsync($"Starting {Show.Escape(name)}'s connectors…",
            show => Follow(states => show($"Waiting for {Show.Escape(states)}…")));
    }
}
