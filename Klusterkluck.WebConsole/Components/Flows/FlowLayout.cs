using Klusterkluck.Client;

namespace Klusterkluck.WebConsole.Components.Flows;

/// <summary>
/// Where nodes are drawn: the flow's saved layout, and for a node it does not place (a flow
/// written as JSON, say) a place by layers: each node one column right of its furthest
/// predecessor, stacked in the order the definition lists them.
/// </summary>
public static class FlowLayout
{
    /// <summary>A node's box on the canvas, in canvas pixels: the editor and the run's picture draw the same boxes.</summary>
    public const double NodeWidth = 180, NodeHeight = 64, ColumnGap = 80, RowGap = 40, Margin = 40;

    public static Dictionary<string, NodePositionInfo> Complete(FlowDefinitionInfo definition)
    {
        var placed = new Dictionary<string, NodePositionInfo>(StringComparer.Ordinal);
        var ids = definition.Nodes.Select(n => n.Id).Where(id => !string.IsNullOrEmpty(id)).Distinct().ToList();
        foreach (var id in ids)
        {
            if (definition.Layout?.TryGetValue(id, out var position) == true)
            {
                placed[id] = position;
            }
        }
        if (placed.Count == ids.Count)
        {
            return placed;
        }
        var columns = Columns(ids, definition.Edges);
        var rows = new Dictionary<int, int>();
        foreach (var id in ids.Where(id => !placed.ContainsKey(id)))
        {
            var column = columns[id];
            var row = rows.GetValueOrDefault(column);
            rows[column] = row + 1;
            placed[id] = new NodePositionInfo(Margin + column * (NodeWidth + ColumnGap), Margin + row * (NodeHeight + RowGap));
        }
        return placed;
    }

    /// <summary>The longest path from a source to each node, in edges; a node on a cycle (an invalid draft) stops where it is.</summary>
    private static Dictionary<string, int> Columns(List<string> ids, IReadOnlyList<FlowEdgeInfo> edges)
    {
        var known = ids.ToHashSet(StringComparer.Ordinal);
        var incoming = ids.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var edge in edges.Where(e => known.Contains(e.From) && known.Contains(e.To) && e.From != e.To))
        {
            incoming[edge.To].Add(edge.From);
        }
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        int Column(string id)
        {
            if (columns.TryGetValue(id, out var known))
            {
                return known;
            }
            if (!visiting.Add(id))
            {
                return 0;
            }
            var column = incoming[id].Count == 0 ? 0 : incoming[id].Max(Column) + 1;
            visiting.Remove(id);
            return columns[id] = column;
        }
        ids.ForEach(id => Column(id));
        return columns;
    }
}
