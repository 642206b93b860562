using System.Text.RegularExpressions;
using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.PathGenerators;
using Blazor.Diagrams.Core.Routers;
using Blazor.Diagrams.Options;
using Klusterkluck.Client;

namespace Klusterkluck.WebConsole.Components.Flows;

/// <summary>
/// A flow drawn on a diagram, both ways: a definition becomes nodes and links, and the diagram
/// (after any gesture) becomes a definition again, in the same order, so that the API's problem
/// keys (<c>nodes[2].ref</c>, <c>edges[0].to</c>) name the node or link they were found on.
/// </summary>
public sealed partial class FlowDrawing
{
    public const string ProblemColor = "#c50f1f";

    public FlowDrawing()
    {
        Diagram = new BlazorDiagram(new BlazorDiagramOptions
        {
            AllowMultiSelection = true,
            GridSize = 10,
            Links =
            {
                DefaultRouter = new NormalRouter(),
                DefaultPathGenerator = new SmoothPathGenerator(),
                DefaultColor = "#8a8a8a",
                DefaultSelectedColor = "#0f6cbd",
                EnableSnapping = true,
                SnappingRadius = 30,
                // A link is made from its port, and labelled by it: an if's lower port is its false branch.
                Factory = (_, source, target) => source is FlowPortModel { IsOutput: true } port ? NewLink(port, target) : null,
            },
            Zoom = { Minimum = 0.3, Maximum = 2 },
        });
        Diagram.RegisterComponent<FlowNodeModel, FlowNodeWidget>();
    }

    public BlazorDiagram Diagram { get; }

    /// <summary>Problems that name no node or edge (the flow, its nodes or edges as a whole), and those the drawing cannot place.</summary>
    public List<(string Key, string Message)> FlowProblems { get; } = [];

    public IEnumerable<FlowNodeModel> Nodes => Diagram.Nodes.OfType<FlowNodeModel>();

    /// <summary>The links that join two ports (a link still being dragged is not an edge yet).</summary>
    public IEnumerable<LinkModel> Edges => Diagram.Links.OfType<LinkModel>().Where(l => l.IsAttached);

    /// <summary>Replaces what is drawn with <paramref name="definition"/>.</summary>
    public void Load(FlowDefinitionInfo definition)
    {
        var places = FlowLayout.Complete(definition);
        Diagram.Batch(() =>
        {
            Diagram.Links.Clear();
            Diagram.Nodes.Clear();
            var byId = new Dictionary<string, FlowNodeModel>(StringComparer.Ordinal);
            foreach (var node in definition.Nodes)
            {
                var place = node.Id is not null && places.TryGetValue(node.Id, out var p) ? p : new NodePositionInfo(FlowLayout.Margin, FlowLayout.Margin);
                var model = Diagram.Nodes.Add(new FlowNodeModel(node, new Point(place.X, place.Y)));
                byId.TryAdd(node.Id ?? "", model);
            }
            foreach (var edge in definition.Edges)
            {
                if (byId.TryGetValue(edge.From ?? "", out var from) && byId.TryGetValue(edge.To ?? "", out var to) && from != to)
                {
                    var role = from.Kind == "if" ? (edge.When == false ? PortRole.False : PortRole.True) : PortRole.Out;
                    Diagram.Links.Add(NewLink(from.Port(role), new SinglePortAnchor(to.Port(PortRole.In))));
                }
            }
        });
    }

    /// <summary>The definition as drawn: nodes and edges in the order they were made, and each node's place.</summary>
    public FlowDefinitionInfo Snapshot()
    {
        var nodes = Nodes.ToList();
        var edges = Edges.Select(ToEdge).OfType<FlowEdgeInfo>().ToList();
        var layout = new Dictionary<string, NodePositionInfo>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => !string.IsNullOrEmpty(n.NodeId)))
        {
            layout.TryAdd(node.NodeId, new NodePositionInfo(Math.Round(node.Position.X), Math.Round(node.Position.Y)));
        }
        return new FlowDefinitionInfo([.. nodes.Select(n => n.ToInfo())], edges, layout);
    }

    /// <summary>How many edges join these two ports (the API refuses a second one).</summary>
    public int EdgesBetween(Blazor.Diagrams.Core.Models.Base.ILinkable? from, Blazor.Diagrams.Core.Models.Base.ILinkable? to) =>
        Edges.Count(l => l.Source.Model == from && l.Target.Model == to);

    public FlowNodeModel Add(FlowNodeInfo node, Point position) => Diagram.Nodes.Add(new FlowNodeModel(node, position));

    /// <summary>A new edge from <paramref name="from"/>'s output (an if's true or false one) to <paramref name="to"/>'s input.</summary>
    public void Connect(FlowNodeModel from, PortRole role, FlowNodeModel to) =>
        Diagram.Links.Add(NewLink(from.Port(role), new SinglePortAnchor(to.Port(PortRole.In))));

    /// <summary>A free id for a new node: its function's or connector's name, or its kind, numbered when taken.</summary>
    public string FreeId(string stem)
    {
        var taken = Nodes.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(stem))
        {
            return stem;
        }
        for (var i = 2; ; i++)
        {
            if (!taken.Contains($"{stem}-{i}"))
            {
                return $"{stem}-{i}";
            }
        }
    }

    /// <summary>Puts each problem on what it names, by the order <see cref="Snapshot"/> listed them in.</summary>
    public void ShowProblems(IReadOnlyDictionary<string, string[]> errors)
    {
        var nodes = Nodes.ToList();
        var edges = Edges.ToList();
        FlowProblems.Clear();
        nodes.ForEach(n => n.Problems.Clear());
        edges.ForEach(e => e.Color = null);
        foreach (var (key, messages) in errors)
        {
            foreach (var message in messages)
            {
                if (Indexed().Match(key) is { Success: true } match && int.Parse(match.Groups[2].Value) is var index)
                {
                    var part = match.Groups[3].Value;
                    if (match.Groups[1].Value == "nodes" && index < nodes.Count)
                    {
                        nodes[index].Problems.Add((part, message));
                        continue;
                    }
                    if (match.Groups[1].Value == "edges" && index < edges.Count)
                    {
                        edges[index].Color = ProblemColor;
                        FlowProblems.Add(($"{key} ({Describe(edges[index])})", message));
                        continue;
                    }
                }
                else if (key.StartsWith("layout.", StringComparison.Ordinal) && nodes.FirstOrDefault(n => n.NodeId == key["layout.".Length..]) is { } placed)
                {
                    placed.Problems.Add(("", message));
                    continue;
                }
                FlowProblems.Add((key, message));
            }
        }
        Diagram.Refresh();
        foreach (var node in nodes)
        {
            node.Refresh();
        }
        foreach (var edge in edges)
        {
            edge.Refresh();
        }
    }

    public static string Describe(LinkModel link) => ToEdge(link) is { } edge
        ? $"{edge.From} → {edge.To}{(edge.When is { } when ? (when ? " when true" : " when false") : "")}"
        : "edge";

    private static FlowEdgeInfo? ToEdge(LinkModel link)
    {
        if (link.Source.Model is not FlowPortModel from || link.Target.Model is not FlowPortModel to)
        {
            return null;
        }
        var source = (FlowNodeModel)from.Parent;
        bool? when = from.Role switch { PortRole.True => true, PortRole.False => false, _ => null };
        return new FlowEdgeInfo(source.NodeId, ((FlowNodeModel)to.Parent).NodeId, when);
    }

    private static LinkModel NewLink(FlowPortModel from, Anchor target)
    {
        var link = new LinkModel(new SinglePortAnchor(from), target) { TargetMarker = LinkMarker.Arrow, Width = 2 };
        if (from.Role is PortRole.True or PortRole.False)
        {
            link.AddLabel(from.Role == PortRole.True ? "true" : "false", distance: 0.5);
        }
        return link;
    }

    [GeneratedRegex(@"^(nodes|edges)\[(\d+)\](?:\.(.*))?$")]
    private static partial Regex Indexed();
}
