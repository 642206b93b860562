namespace Klusterkluck.Api.Flows;

/// <summary>One cycle per strongly connected component (Tarjan), so a definition with two separate loops hears about both.</summary>
internal static class Cycles
{
    public static List<List<string>> Find(IEnumerable<string> nodes, IReadOnlyDictionary<string, List<string>> outgoing)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        var next = 0;

        void Connect(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var successor in outgoing[node])
            {
                if (!index.ContainsKey(successor))
                {
                    Connect(successor);
                    low[node] = Math.Min(low[node], low[successor]);
                }
                else if (onStack.Contains(successor))
                {
                    low[node] = Math.Min(low[node], index[successor]);
                }
            }
            if (low[node] != index[node])
            {
                return;
            }
            var component = new HashSet<string>(StringComparer.Ordinal);
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1)
            {
                cycles.Add(CycleWithin(node, component, outgoing));
            }
        }

        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node))
            {
                Connect(node);
            }
        }
        return cycles;
    }

    /// <summary>A path from <paramref name="start"/> back to itself inside the component (breadth first: the shortest).</summary>
    private static List<string> CycleWithin(string start, HashSet<string> component, IReadOnlyDictionary<string, List<string>> outgoing)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var successor in outgoing[node].Where(component.Contains))
            {
                if (successor == start)
                {
                    var path = new List<string> { node };
                    while (path[^1] != start)
                    {
                        path.Add(parent[path[^1]]);
                    }
                    path.Reverse();
                    return path;
                }
                if (parent.TryAdd(successor, node))
                {
                    queue.Enqueue(successor);
                }
            }
        }
        return [start];
    }
}
