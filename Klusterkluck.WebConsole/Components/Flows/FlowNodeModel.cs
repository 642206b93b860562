using System.Text.Json;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Klusterkluck.Client;

namespace Klusterkluck.WebConsole.Components.Flows;

/// <summary>
/// A flow's node on the canvas: what the definition says of it (id, kind, ref, config) and the
/// problems validation found there. Its ports say what an edge may join: an input on the left
/// (none on a connector: connectors are only sources), an output on the right, and for an if
/// two outputs, one taken when the condition holds and one when it does not.
/// </summary>
public sealed class FlowNodeModel : NodeModel
{
    public FlowNodeModel(FlowNodeInfo node, Point position) : base(position)
    {
        NodeId = node.Id;
        Kind = node.Kind;
        Ref = node.Ref;
        Config = node.Config is null ? [] : new Dictionary<string, JsonElement>(node.Config, StringComparer.Ordinal);
        if (Kind != "connector")
        {
            AddPort(new FlowPortModel(this, PortRole.In, PortAlignment.Left));
        }
        if (Kind == "if")
        {
            AddPort(new FlowPortModel(this, PortRole.True, PortAlignment.Right));
            AddPort(new FlowPortModel(this, PortRole.False, PortAlignment.BottomRight));
        }
        else
        {
            AddPort(new FlowPortModel(this, PortRole.Out, PortAlignment.Right));
        }
    }

    public string NodeId { get; set; }

    public string Kind { get; }

    public string? Ref { get; set; }

    public Dictionary<string, JsonElement> Config { get; }

    /// <summary>Validation's messages for this node, each with the part it names (id, ref, config.KK_TIMER_CRON…; empty for the node as a whole).</summary>
    public List<(string Part, string Message)> Problems { get; } = [];

    public FlowPortModel Port(PortRole role) => Ports.OfType<FlowPortModel>().First(p => p.Role == role);

    public FlowNodeInfo ToInfo() => new(NodeId, Kind, Kind is "connector" or "function" ? Ref : null, Config.Count == 0 ? null : new Dictionary<string, JsonElement>(Config));

    /// <summary>A node dragged by its body is moved; a port starts an edge.</summary>
    public override bool CanAttachTo(ILinkable other) => false;
}

public enum PortRole
{
    In,
    Out,
    True,
    False,
}

/// <summary>An edge goes from an output port to another node's input port, never the other way.</summary>
public sealed class FlowPortModel(FlowNodeModel parent, PortRole role, PortAlignment alignment) : PortModel(parent, alignment)
{
    public PortRole Role { get; } = role;

    public bool IsOutput => Role != PortRole.In;

    public override bool CanAttachTo(ILinkable other) =>
        other is FlowPortModel { Role: PortRole.In } target && IsOutput && target.Parent != Parent;
}
