using System.Security.Cryptography;
using System.Text;
using Klusterkluck.Api.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// A flow's connector nodes as the runtime runs them: each node's settings, plus where to send
/// events (<c>KK_TARGET_URL</c> = the node's event endpoint) and the flow's event token. A
/// deploy starts what is new or changed and stops what the new definition no longer has.
/// </summary>
public sealed class FlowConnectors(IRuntime runtime, IServer server, IOptions<FlowOptions> options)
{
    public async Task ApplyAsync(Flow flow, FlowDefinition? previous, FlowDefinition next, CancellationToken cancellationToken)
    {
        var wanted = Deployments(flow, next).ToList();
        foreach (var deployment in wanted)
        {
            await runtime.DeployConnectorAsync(deployment, cancellationToken);
        }
        foreach (var gone in ConnectorNodes(previous).Except(wanted.Select(d => d.Id.Node), StringComparer.Ordinal))
        {
            await runtime.RemoveConnectorAsync(new ConnectorId(flow.Owner, flow.Name, gone), cancellationToken);
        }
    }

    public async Task RemoveAsync(string owner, string flow, FlowDefinition? deployed, CancellationToken cancellationToken)
    {
        foreach (var node in ConnectorNodes(deployed))
        {
            await runtime.RemoveConnectorAsync(new ConnectorId(owner, flow, node), cancellationToken);
        }
    }

    /// <summary>Where a connector node's events go.</summary>
    public Uri EventUrl(string owner, string flow, string node) =>
        new(BaseUrl(), $"events/{owner}/{flow}/{node}");

    private IEnumerable<ConnectorDeployment> Deployments(Flow flow, FlowDefinition definition)
    {
        foreach (var node in (definition.Nodes ?? []).Where(n => n.Kind == NodeKinds.Connector))
        {
            var environment = FlowValidator.ConnectorSettingsOf(node);
            environment["KK_TARGET_URL"] = EventUrl(flow.Owner, flow.Name, node.Id!).AbsoluteUri;
            environment["KK_TARGET_TOKEN"] = flow.EventToken;
            yield return new ConnectorDeployment(new ConnectorId(flow.Owner, flow.Name, node.Id!), node.Ref!, environment, Revision(node.Ref!, environment));
        }
    }

    private static IEnumerable<string> ConnectorNodes(FlowDefinition? definition) =>
        (definition?.Nodes ?? []).Where(n => n.Kind == NodeKinds.Connector).Select(n => n.Id!);

    /// <summary>A digest of everything the process starts with: equal revisions need no restart.</summary>
    private static string Revision(string plugin, IReadOnlyDictionary<string, string> environment)
    {
        var text = new StringBuilder(plugin);
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append('=').Append(value);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private Uri BaseUrl() =>
        options.Value.EventBaseUrl is { Length: > 0 } configured ? new Uri(configured.TrimEnd('/') + "/") : Hosting.ServerAddresses.Loopback(server);
}
