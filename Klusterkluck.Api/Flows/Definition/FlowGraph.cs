namespace Klusterkluck.Api.Flows;

/// <summary>
/// A valid definition as the engine walks it: each node's edges in and out (in the order the
/// definition lists them), the ancestors a join waits on, and compiled if conditions. Immutable:
/// one per deployment, shared by every run of it.
/// </summary>
public sealed class FlowGraph
{
    private readonly Dictionary<string, List<FlowEdge>> _out = [];
    private readonly Dictionary<string, List<FlowEdge>> _in = [];
    private readonly Dictionary<string, HashSet<string>> _ancestors = [];
    private readonly Dictionary<string, Condition> _conditions = [];

    public FlowGraph(FlowDefinition definition)
    {
        Nodes = definition.Nodes!.ToDictionary(n => n.Id!, StringComparer.Ordinal);
        foreach (var node in Nodes.Keys)
        {
            _out[node] = [];
            _in[node] = [];
        }
        foreach (var edge in definition.Edges ?? [])
        {
            _out[edge.From!].Add(edge);
            _in[edge.To!].Add(edge);
        }
        Order = TopologicalOrder() ?? throw new ArgumentException("the flow has a cycle", nameof(definition));
        foreach (var node in Order)
        {
            _ancestors[node] = [.. _in[node].SelectMany(e => _ancestors[e.From!].Append(e.From!))];
        }
        foreach (var node in Nodes.Values.Where(n => n.Kind == NodeKinds.If))
        {
            _conditions[node.Id!] = Condition.TryParse(ConditionText(node) ?? "", out _) ?? throw new ArgumentException($"if node {node.Id}: bad condition");
        }
        Joins = [.. Order.Where(n => Nodes[n].Kind == NodeKinds.Join)];
    }

    public IReadOnlyDictionary<string, FlowNode> Nodes { get; }

    /// <summary>Every node after all of its predecessors.</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>The join nodes, in topological order.</summary>
    public IReadOnlyList<string> Joins { get; }

    public IReadOnlyList<FlowEdge> Out(string node) => _out[node];

    public IReadOnlyList<FlowEdge> In(string node) => _in[node];

    public IReadOnlySet<string> Ancestors(string node) => _ancestors[node];

    public Condition ConditionOf(string ifNode) => _conditions[ifNode];

    public static string? ConditionText(FlowNode node) =>
        node.Config?.TryGetValue("condition", out var value) == true && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Kahn's algorithm; null when a cycle leaves nodes unordered.</summary>
    private List<string>? TopologicalOrder()
    {
        var remaining = Nodes.Keys.ToDictionary(n => n, n => _in[n].Count, StringComparer.Ordinal);
        var ready = new Queue<string>(Nodes.Keys.Where(n => remaining[n] == 0));
        var order = new List<string>();
        while (ready.TryDequeue(out var node))
        {
            order.Add(node);
            foreach (var edge in _out[node])
            {
                if (--remaining[edge.To!] == 0)
                {
                    ready.Enqueue(edge.To!);
                }
            }
        }
        return order.Count == Nodes.Count ? order : null;
    }
}
