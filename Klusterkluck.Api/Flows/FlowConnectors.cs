using System.Security.Cryptography;
using System.Text;
using Klusterkluck.Api.Connectors;
using Klusterkluck.Api.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// A flow's connector nodes as the runtime runs them: each node's settings, plus where to send
/// events (<c>KK_TARGET_URL</c> = the node's event endpoint) and the flow's event token; where a
/// connector listens is the runtime's to assign (<see cref="ConnectorDeployment.Listen"/>). A
/// deploy starts what is new or changed and stops what the new definition no longer has.
/// </summary>
public sealed class FlowConnectors(IRuntime runtime, IServer server, ConnectorCatalog catalog, IOptions<FlowOptions> options,
    IOptions<ConnectorHostOptions> connectorHost)
{
    public async Task ApplyAsync(Flow flow, FlowDefinition? previous, FlowDefinition next, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConnectorInfo> connectors;
        try
        {
            connectors = await catalog.ListAsync();
        }
        catch (ConnectorCatalogException e)
        {
            throw new DeployException(e.Message);
        }
        var wanted = Deployments(flow, next, connectors).ToList();
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

    private IEnumerable<ConnectorDeployment> Deployments(Flow flow, FlowDefinition definition, IReadOnlyList<ConnectorInfo> connectors)
    {
        foreach (var node in (definition.Nodes ?? []).Where(n => n.Kind == NodeKinds.Connector))
        {
            var connector = connectors.FirstOrDefault(c => c.Name == node.Ref);
            var environment = FlowValidator.ConnectorSettingsOf(node);
            var listen = connector?.ListenVariable;
            if (listen is not null && connectorHost.Value.AllowPublicIngress && environment.ContainsKey(listen))
            {
                // The operator lets flows choose, and this one did.
                listen = null;
            }
            else if (listen is not null)
            {
                // Validation refuses it when not allowed, but a definition deployed before (restored at start) may still carry it.
                environment.Remove(listen);
            }
            if (connector?.MaxPayloadVariable is { } limit && !environment.ContainsKey(limit.Name) && Exceeds(limit.Default))
            {
                // Left to its default, the connector would take bodies the event endpoint refuses.
                environment[limit.Name] = options.Value.MaxPayloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            environment["KK_TARGET_URL"] = EventUrl(flow.Owner, flow.Name, node.Id!).AbsoluteUri;
            environment["KK_TARGET_TOKEN"] = flow.EventToken;
            yield return new ConnectorDeployment(new ConnectorId(flow.Owner, flow.Name, node.Id!), node.Ref!, environment,
                Revision(node.Ref!, environment, listen))
            {
                Listen = listen,
                Secrets = connector?.SecretVariables ?? new HashSet<string>(),
            };
        }
    }

    /// <summary>Whether a connector's default payload limit is above the flows' (no default: no limit, so above it too).</summary>
    private bool Exceeds(string? defaultLimit) =>
        !long.TryParse(defaultLimit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
        || bytes > options.Value.MaxPayloadBytes;

    private static IEnumerable<string> ConnectorNodes(FlowDefinition? definition) =>
        (definition?.Nodes ?? []).Where(n => n.Kind == NodeKinds.Connector).Select(n => n.Id!);

    /// <summary>A digest of everything the process starts with: equal revisions need no restart.</summary>
    private static string Revision(string plugin, IReadOnlyDictionary<string, string> environment, string? listen)
    {
        var text = new StringBuilder(plugin);
        if (listen is not null)
        {
            text.Append("\nlisten=").Append(listen);
        }
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append('=').Append(value);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private Uri BaseUrl() =>
        options.Value.EventBaseUrl is { Length: > 0 } configured ? new Uri(configured.TrimEnd('/') + "/") : Hosting.ServerAddresses.Loopback(server);
}
