using System.Text.Json;
using Klusterkluck.Api.Connectors;
using Klusterkluck.Connectors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// Every problem of a definition at once, keyed by where it is (<c>nodes[2].ref</c>,
/// <c>edges[0].to</c>, <c>flow</c>), as a validation problem's errors: the structure, the
/// functions (each must be one of the owner's own), the connectors' settings (checked against
/// the variables their plugin declares, with the connector host's own checking code).
/// </summary>
public sealed class FlowValidator(StoreContext store, ConnectorCatalog catalog, IOptions<ConnectorHostOptions> connectorHost,
    IOptions<FlowOptions> flowOptions)
{
    public const int MaxNodes = 100;
    public const int MaxEdges = 500;
    public const int MaxAttempts = 20;

    /// <summary>
    /// How many times one event may make a node run: a node with several predecessors runs once
    /// per input, so layers of fan-in multiply, and one event could otherwise create millions of steps.
    /// </summary>
    public const int MaxRunsPerEvent = 1000;

    public async Task<Dictionary<string, string[]>> ValidateAsync(string owner, FlowDefinition definition, CancellationToken cancellationToken)
    {
        var problems = new Problems();
        var nodes = definition.Nodes ?? [];
        var edges = definition.Edges ?? [];
        if (nodes.Count == 0)
        {
            problems.Add("nodes", "A flow needs at least one node.");
        }
        if (nodes.Count > MaxNodes || edges.Count > MaxEdges)
        {
            problems.Add("flow", $"A flow has at most {MaxNodes} nodes and {MaxEdges} edges.");
            return problems.ToDictionary();
        }
        // JSON null entries: nothing else can be said about a list with holes in it.
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is null)
            {
                problems.Add($"nodes[{i}]", "A node is an object {id, kind, ref, config}.");
            }
        }
        for (var i = 0; i < edges.Count; i++)
        {
            if (edges[i] is null)
            {
                problems.Add($"edges[{i}]", "An edge is an object {from, to}.");
            }
        }
        if (problems.Count > 0)
        {
            return problems.ToDictionary();
        }

        var ids = CheckNodes(nodes, problems);
        CheckLayout(definition.Layout, ids, problems);
        var owned = await OwnedFunctionsAsync(owner, nodes, cancellationToken);
        for (var i = 0; i < nodes.Count; i++)
        {
            await CheckNodeAsync(nodes[i], $"nodes[{i}]", owned, problems);
        }
        var edgesValid = CheckEdges(edges, ids, problems);
        if (edgesValid && ids.Count == nodes.Count)
        {
            CheckGraph(nodes, edges, ids, problems, flowOptions.Value.MaxStepsPerEvent);
        }
        return problems.ToDictionary();
    }

    /// <summary>Ids: labels, unique. Returns the valid ones with their node.</summary>
    private static Dictionary<string, FlowNode> CheckNodes(IReadOnlyList<FlowNode> nodes, Problems problems)
    {
        var ids = new Dictionary<string, FlowNode>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var id = nodes[i].Id;
            if (!FlowNameAttribute.IsValidNodeId(id))
            {
                problems.Add($"nodes[{i}].id", $"'{id}' is not a node id: it {FlowNameAttribute.NodeIdRule}.");
            }
            else if (!ids.TryAdd(id!, nodes[i]))
            {
                problems.Add($"nodes[{i}].id", $"Another node is already named '{id}'.");
            }
        }
        return ids;
    }

    /// <summary>
    /// The layout only draws: each entry names a node of the flow and holds finite coordinates
    /// within a canvas a person could scroll (so a stored flow cannot grow by layout alone).
    /// </summary>
    private static void CheckLayout(IReadOnlyDictionary<string, NodePosition>? layout, Dictionary<string, FlowNode> ids, Problems problems)
    {
        foreach (var (id, position) in layout ?? new Dictionary<string, NodePosition>())
        {
            if (!ids.ContainsKey(id))
            {
                problems.Add($"layout.{id}", $"The layout places '{id}', which is not a node of the flow.");
            }
            else if (position is null || !double.IsFinite(position.X) || !double.IsFinite(position.Y)
                || Math.Abs(position.X) > MaxCoordinate || Math.Abs(position.Y) > MaxCoordinate)
            {
                problems.Add($"layout.{id}", $"A node's place is {{x, y}}, each between -{MaxCoordinate} and {MaxCoordinate}.");
            }
        }
    }

    public const double MaxCoordinate = 1_000_000;

    private async Task<HashSet<string>> OwnedFunctionsAsync(string owner, IReadOnlyList<FlowNode> nodes, CancellationToken cancellationToken)
    {
        var refs = nodes.Where(n => n.Kind == NodeKinds.Function && FunctionNameAttribute.IsValidName(n.Ref)).Select(n => n.Ref!).Distinct().ToList();
        return [.. await store.Functions.AsNoTracking().Where(f => f.Owner == owner && refs.Contains(f.Name)).Select(f => f.Name).ToListAsync(cancellationToken)];
    }

    private async Task CheckNodeAsync(FlowNode node, string at, HashSet<string> owned, Problems problems)
    {
        switch (node.Kind)
        {
            case NodeKinds.Function:
                if (!FunctionNameAttribute.IsValidName(node.Ref))
                {
                    problems.Add($"{at}.ref", $"'{node.Ref}' is not a function name: a function node refers to one of your own functions by its name.");
                }
                else if (!owned.Contains(node.Ref!))
                {
                    problems.Add($"{at}.ref", $"You have no function named '{node.Ref}'.");
                }
                CheckFunctionConfig(node, at, problems);
                break;
            case NodeKinds.Connector:
                await CheckConnectorAsync(node, at, problems);
                break;
            case NodeKinds.If:
                if (FlowGraph.ConditionText(node) is not { } condition)
                {
                    problems.Add($"{at}.config.condition", "An if node needs a condition (a string, such as \"$.total > 100\").");
                }
                else if (Condition.TryParse(condition, out var error) is null)
                {
                    problems.Add($"{at}.config.condition", $"The condition does not parse: {error}.");
                }
                CheckNoOtherConfig(node, at, "condition", problems);
                break;
            case NodeKinds.Join:
                CheckNoOtherConfig(node, at, null, problems);
                break;
            default:
                problems.Add($"{at}.kind", $"'{node.Kind}' is not a node kind: {string.Join(", ", NodeKinds.All)}.");
                break;
        }
    }

    private static void CheckFunctionConfig(FlowNode node, string at, Problems problems)
    {
        foreach (var (key, value) in node.Config ?? new Dictionary<string, JsonElement>())
        {
            if (key != "attempts")
            {
                problems.Add($"{at}.config.{key}", "A function node's only setting is attempts.");
            }
            else if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var attempts) || attempts is < 1 or > MaxAttempts)
            {
                problems.Add($"{at}.config.attempts", $"attempts is a whole number from 1 to {MaxAttempts}.");
            }
        }
    }

    private static void CheckNoOtherConfig(FlowNode node, string at, string? allowed, Problems problems)
    {
        foreach (var key in (node.Config?.Keys ?? []).Where(k => k != allowed))
        {
            problems.Add($"{at}.config.{key}", $"A {node.Kind} node has no setting '{key}'.");
        }
    }

    private async Task CheckConnectorAsync(FlowNode node, string at, Problems problems)
    {
        ConnectorInfo? connector;
        IReadOnlyList<ConnectorInfo> all;
        try
        {
            all = await catalog.ListAsync();
            connector = all.FirstOrDefault(c => c.Name == node.Ref);
        }
        catch (ConnectorCatalogException e)
        {
            problems.Add($"{at}.ref", $"The connector catalog is unavailable, so the connector cannot be checked: {e.Message}");
            return;
        }
        if (connector is null)
        {
            problems.Add($"{at}.ref", $"'{node.Ref}' is not a connector: {string.Join(", ", all.Select(c => c.Name))}.");
            return;
        }
        var settings = ConnectorSettingsOf(node, at, problems);
        foreach (var key in settings.Keys.Where(k => connector.Variables.All(v => v.Name != k)))
        {
            problems.Add($"{at}.config.{key}", ConnectorCatalog.PlatformVariables.Contains(key)
                ? $"{key} is set by the platform."
                : $"The {connector.Name} connector has no variable {key}.");
        }
        if (connector.ListenVariable is { } listen && settings.ContainsKey(listen) && !connectorHost.Value.AllowPublicIngress)
        {
            // Otherwise one tenant's connector could take the port another's listens on, or listen beyond loopback.
            problems.Add($"{at}.config.{listen}", $"{listen} is assigned by the platform: the connector listens where the runtime puts it " +
                "(locally a loopback port of its own), shown as its url among the flow's connectors. " +
                "An operator may let flows set it with Connectors:AllowPublicIngress=true.");
        }
        var checkedSettings = new ConnectorSettings(connector.Declarations, name => settings.GetValueOrDefault(name));
        foreach (var problem in checkedSettings.Problems)
        {
            problems.Add($"{at}.config", problem);
        }
        var maxPayload = flowOptions.Value.MaxPayloadBytes;
        if (connector.MaxPayloadVariable is { } limit && settings.ContainsKey(limit.Name) && checkedSettings.GetInteger(limit.Name) is { } asked
            && asked > maxPayload)
        {
            // The connector would take, and acknowledge, what the event endpoint then refuses.
            problems.Add($"{at}.config.{limit.Name}", $"{limit.Name} is {asked} bytes, more than the {maxPayload} bytes an event may have " +
                $"(Flows:MaxPayloadBytes): set it to {maxPayload} or less.");
        }
    }

    /// <summary>A connector node's settings as environment values: strings, numbers and booleans as they are written.</summary>
    public static Dictionary<string, string> ConnectorSettingsOf(FlowNode node, string at = "", Problems? problems = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Config ?? new Dictionary<string, JsonElement>())
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    settings[key] = value.GetString()!;
                    break;
                case JsonValueKind.Number:
                    settings[key] = value.GetRawText();
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    settings[key] = value.GetBoolean() ? "true" : "false";
                    break;
                default:
                    problems?.Add($"{at}.config.{key}", "A connector setting is a string, a number or a boolean.");
                    break;
            }
        }
        return settings;
    }

    /// <summary>Edges: between existing nodes, no self-loops or duplicates, when only out of an if. False if any end is unknown.</summary>
    private static bool CheckEdges(IReadOnlyList<FlowEdge> edges, Dictionary<string, FlowNode> ids, Problems problems)
    {
        var valid = true;
        var seen = new HashSet<(string?, string?, bool?)>();
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            foreach (var (end, name) in new[] { ("from", edge.From), ("to", edge.To) })
            {
                if (name is null || !ids.ContainsKey(name))
                {
                    problems.Add($"edges[{i}].{end}", $"There is no node '{name}'.");
                    valid = false;
                }
            }
            if (edge.From is not null && edge.From == edge.To)
            {
                problems.Add($"edges[{i}]", $"'{edge.From}' cannot feed itself.");
            }
            if (!seen.Add((edge.From, edge.To, edge.When ?? true)))
            {
                problems.Add($"edges[{i}]", $"The edge {edge.From} → {edge.To} is listed twice.");
            }
            if (edge.When is not null && edge.From is not null && ids.TryGetValue(edge.From, out var from) && from.Kind != NodeKinds.If)
            {
                problems.Add($"edges[{i}].when", "Only edges out of an if node have a when.");
            }
        }
        return valid;
    }

    /// <summary>The graph: acyclic (each cycle named), connectors only as sources, every node reachable, joins fed once per run.</summary>
    private static void CheckGraph(IReadOnlyList<FlowNode> nodes, IReadOnlyList<FlowEdge> edges, Dictionary<string, FlowNode> ids, Problems problems,
        int maxSteps)
    {
        var incoming = ids.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        var outgoing = ids.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var edge in edges.Where(e => e.From != e.To))
        {
            incoming[edge.To!].Add(edge.From!);
            outgoing[edge.From!].Add(edge.To!);
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var id = node.Id!;
            if (node.Kind == NodeKinds.Connector && incoming[id].Count > 0)
            {
                problems.Add($"nodes[{i}]", $"Connector '{id}' has incoming edges (from {string.Join(", ", incoming[id])}): connectors are only sources.");
            }
            if (node.Kind == NodeKinds.Connector && outgoing[id].Count == 0)
            {
                problems.Add($"nodes[{i}]", $"Connector '{id}' has no outgoing edge: its events would go nowhere.");
            }
            if (node.Kind == NodeKinds.Join && incoming[id].Count < 2)
            {
                problems.Add($"nodes[{i}]", $"Join '{id}' needs at least two predecessors.");
            }
            if (node.Kind == NodeKinds.If && outgoing[id].Count == 0)
            {
                problems.Add($"nodes[{i}]", $"If '{id}' has no outgoing edge.");
            }
        }
        if (!ids.Values.Any(n => n.Kind == NodeKinds.Connector))
        {
            problems.Add("nodes", "A flow needs at least one connector node: events enter a flow through its connectors.");
        }

        var cycles = Cycles.Find(ids.Keys, outgoing);
        foreach (var cycle in cycles)
        {
            problems.Add("edges", $"The edges form a cycle: {string.Join(" → ", cycle.Append(cycle[0]))}.");
        }
        var reachable = Reachable(ids.Values.Where(n => n.Kind == NodeKinds.Connector).Select(n => n.Id!), outgoing);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Kind != NodeKinds.Connector && !reachable.Contains(nodes[i].Id!))
            {
                problems.Add($"nodes[{i}]", $"'{nodes[i].Id}' is not reachable from any connector, so it would never run.");
            }
        }
        if (cycles.Count == 0)
        {
            CheckJoinInputs(nodes, ids, incoming, problems);
            CheckRunsPerEvent(nodes, ids, incoming, problems);
            CheckStepsPerEvent(ids, incoming, problems, maxSteps);
        }
    }

    /// <summary>Runs per event, in the worst case: a connector or a join once, any other node once per run of each predecessor.</summary>
    private static void CheckRunsPerEvent(IReadOnlyList<FlowNode> nodes, Dictionary<string, FlowNode> ids, Dictionary<string, List<string>> incoming,
        Problems problems)
    {
        var runs = new Dictionary<string, double>(StringComparer.Ordinal);
        double Runs(string id) => runs.TryGetValue(id, out var known) ? known : runs[id] = ids[id].Kind is NodeKinds.Connector or NodeKinds.Join
            ? 1
            : incoming[id].Sum(Runs);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (Runs(nodes[i].Id!) > MaxRunsPerEvent)
            {
                problems.Add($"nodes[{i}]", $"One event could run '{nodes[i].Id}' more than {MaxRunsPerEvent} times (each input runs it once, and its inputs multiply): put joins where branches meet.");
            }
        }
    }

    /// <summary>
    /// Steps per event, in the worst case (every if taking every edge out of it), for each connector
    /// the event may come through: the connector once, a join once if anything reaches it, any
    /// other node once per run of each predecessor.
    /// </summary>
    private static void CheckStepsPerEvent(Dictionary<string, FlowNode> ids, Dictionary<string, List<string>> incoming, Problems problems, int maxSteps)
    {
        foreach (var source in ids.Values.Where(n => n.Kind == NodeKinds.Connector).Select(n => n.Id!))
        {
            var runs = new Dictionary<string, double>(StringComparer.Ordinal);
            double Runs(string id) => runs.TryGetValue(id, out var known) ? known : runs[id] = ids[id].Kind switch
            {
                NodeKinds.Connector => id == source ? 1 : 0,
                NodeKinds.Join => incoming[id].Any(p => Runs(p) > 0) ? 1 : 0,
                _ => incoming[id].Sum(Runs),
            };
            var steps = ids.Keys.Sum(Runs);
            if (steps > maxSteps)
            {
                problems.Add("flow", $"One event through '{source}' could create {(steps > 1e9 ? "over a billion" : steps.ToString("0", System.Globalization.CultureInfo.InvariantCulture))} steps; the most is {maxSteps} (Flows:MaxStepsPerEvent): fewer edges where branches meet, or joins there.");
                return;
            }
        }
    }

    /// <summary>
    /// A join's array has one place per predecessor, so each predecessor must run at most once per
    /// run: a connector, a join, or a node whose one predecessor does.
    /// </summary>
    private static void CheckJoinInputs(IReadOnlyList<FlowNode> nodes, Dictionary<string, FlowNode> ids, Dictionary<string, List<string>> incoming, Problems problems)
    {
        var once = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool RunsOnce(string id) => once.TryGetValue(id, out var known) ? known : once[id] = ids[id].Kind is NodeKinds.Connector or NodeKinds.Join
            || (incoming[id].Count == 1 && RunsOnce(incoming[id][0]));
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Kind != NodeKinds.Join)
            {
                continue;
            }
            foreach (var predecessor in incoming[nodes[i].Id!].Distinct().Where(p => !RunsOnce(p)))
            {
                problems.Add($"nodes[{i}]", $"Join '{nodes[i].Id}' needs each predecessor to run once per event, but '{predecessor}' has several predecessors of its own and can run more than once: put a join before it.");
            }
        }
    }

    private static HashSet<string> Reachable(IEnumerable<string> sources, Dictionary<string, List<string>> outgoing)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(sources);
        while (stack.TryPop(out var node))
        {
            if (seen.Add(node))
            {
                foreach (var next in outgoing[node])
                {
                    stack.Push(next);
                }
            }
        }
        return seen;
    }

    /// <summary>Problems by location, in the order found.</summary>
    public sealed class Problems
    {
        private readonly Dictionary<string, List<string>> _byKey = [];

        public int Count => _byKey.Count;

        public void Add(string key, string problem)
        {
            if (!_byKey.TryGetValue(key, out var list))
            {
                _byKey[key] = list = [];
            }
            list.Add(problem);
        }

        public Dictionary<string, string[]> ToDictionary() => _byKey.ToDictionary(p => p.Key, p => p.Value.ToArray());
    }
}
