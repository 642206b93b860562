using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// A flow as its owner writes it: nodes and the edges between them. Stored as this JSON, and
/// checked by <see cref="FlowValidator"/> before it is stored or deployed.
/// </summary>
/// <param name="Layout">Where each node is drawn (by node id), kept for the console's editor; the engine never reads it.</param>
public sealed record FlowDefinition(IReadOnlyList<FlowNode>? Nodes, IReadOnlyList<FlowEdge>? Edges,
    IReadOnlyDictionary<string, NodePosition>? Layout = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static FlowDefinition FromJson(string json) => JsonSerializer.Deserialize<FlowDefinition>(json, Json)!;

    /// <summary>Whether two stored definitions run the same: equal but for where their nodes are drawn.</summary>
    public static bool SameGraph(string a, string b) => a == b || FromJson(a).RunsAs(FromJson(b));

    /// <summary>Whether this definition runs as <paramref name="other"/> does: equal but for where their nodes are drawn.</summary>
    public bool RunsAs(FlowDefinition other) => (this with { Layout = null }).ToJson() == (other with { Layout = null }).ToJson();
}

/// <summary>A node's place on the editor's canvas, in canvas pixels.</summary>
public sealed record NodePosition(double X, double Y);

/// <param name="Id">A DNS-1123 label, unique in the flow: it names the node in URLs, runs and (for a connector) Kubernetes objects.</param>
/// <param name="Kind">connector (a source: a connector plugin), function (one of the owner's functions), join or if.</param>
/// <param name="Ref">The connector plugin's name, or the function's name; none for join and if.</param>
/// <param name="Config">A connector's variables (<c>KK_TIMER_INTERVAL</c>, ...); a function's <c>attempts</c>; an if's <c>condition</c>.</param>
public sealed record FlowNode(string? Id, string? Kind, string? Ref, IReadOnlyDictionary<string, JsonElement>? Config);

/// <param name="When">Only on edges out of an if node: the edge is taken when the condition is this (default true).</param>
public sealed record FlowEdge(string? From, string? To, bool? When = null);

/// <summary>The node kinds, as written in a definition.</summary>
public static class NodeKinds
{
    public const string Connector = "connector";
    public const string Function = "function";
    public const string Join = "join";
    public const string If = "if";

    public static readonly IReadOnlyList<string> All = [Connector, Function, Join, If];
}
