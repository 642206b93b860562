using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klusterkluck.Api.Flows;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>
/// The engine's answer must not depend on the order edges are listed in, nor on the order steps
/// finish in. Random DAGs of connectors, functions, ifs and joins run through the engine's own
/// advance and recorder on a real store, with the edges shuffled and steps finished in a random
/// order; a reference evaluator written here (node by node, in topological order) says what each
/// node should have produced.
/// </summary>
public sealed class JoinPropertyTests
{
    private const string Condition = "$.h < 50 || $[1].h < 50";

    [Fact]
    public async Task Random_flows_give_the_reference_answer_whatever_the_edge_and_completion_order()
    {
        await using var engine = await EngineHarness.StartAsync(Api.Data.StoreProvider.Sqlite);
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var flow = RandomFlow(random);
            var source = flow.Connectors[random.Next(flow.Connectors.Count)];
            var body = Encoding.UTF8.GetBytes($$"""{"n":"{{source}}","h":{{random.Next(100)}}}""");
            for (var order = 0; order < 3; order++)
            {
                var edges = flow.Edges.OrderBy(_ => random.Next()).ToList();
                var definition = new FlowDefinition(flow.Nodes, edges);
                var expected = Reference(flow, edges, source, body);
                var (actual, status) = await RunAsync(engine, definition, flow.Failing, source, body, random, $"f{seed}-{order}");
                var context = $"seed {seed}, order {order}, event at {source}; edges {string.Join(", ", edges.Select(e => $"{e.From}→{e.To}{(e.When is { } w ? $"[{w}]" : "")}"))}";
                Assert.True(Same(expected.Steps, actual), $"{context}\nexpected {Describe(expected.Steps)}\nactual   {Describe(actual)}");
                Assert.True(expected.Status == status, $"{context}: the run is {status}, expected {expected.Status}");
            }
        }
    }

    private sealed record RandomDag(List<FlowNode> Nodes, List<FlowEdge> Edges, List<string> Connectors, HashSet<string> Failing);

    /// <summary>
    /// A valid flow: nodes in topological order, each fed by earlier ones; a join's predecessors each
    /// run once per event (a connector, a join, or a node whose single predecessor runs once), as
    /// the validator demands; every connector and if has an edge out.
    /// </summary>
    private static RandomDag RandomFlow(Random random)
    {
        var nodes = new List<FlowNode>();
        var edges = new List<FlowEdge>();
        var runsOnce = new Dictionary<string, bool>();
        var connectors = new List<string>();
        var failing = new HashSet<string>();
        void Node(string id, string kind)
        {
            nodes.Add(new FlowNode(id, kind, kind == NodeKinds.Function ? "fn" : kind == NodeKinds.Connector ? "timer" : null,
                kind == NodeKinds.If ? new Dictionary<string, JsonElement> { ["condition"] = JsonSerializer.SerializeToElement(Condition) } : null));
        }
        void Edge(string from, string to) =>
            edges.Add(new FlowEdge(from, to, nodes.First(n => n.Id == from).Kind == NodeKinds.If ? random.Next(2) == 0 : null));

        var connectorCount = 1 + random.Next(2);
        for (var i = 0; i < connectorCount; i++)
        {
            Node($"c{i}", NodeKinds.Connector);
            connectors.Add($"c{i}");
            runsOnce[$"c{i}"] = true;
        }
        var count = 3 + random.Next(10);
        for (var i = 0; i < count; i++)
        {
            var earlier = nodes.Select(n => n.Id!).ToList();
            var roll = random.Next(10);
            var once = earlier.Where(id => runsOnce[id]).ToList();
            if (roll < 3 && once.Count >= 2)
            {
                var id = $"j{i}";
                var from = once.OrderBy(_ => random.Next()).Take(2 + random.Next(Math.Min(2, once.Count - 1))).ToList();
                Node(id, NodeKinds.Join);
                from.ForEach(f => Edge(f, id));
                runsOnce[id] = true;
                continue;
            }
            var kind = roll < 5 ? NodeKinds.If : NodeKinds.Function;
            var name = $"{(kind == NodeKinds.If ? "i" : "f")}{i}";
            var predecessors = earlier.OrderBy(_ => random.Next()).Take(random.Next(4) == 0 ? 2 : 1).ToList();
            Node(name, kind);
            predecessors.ForEach(p => Edge(p, name));
            runsOnce[name] = predecessors.Count == 1 && runsOnce[predecessors[0]];
            if (kind == NodeKinds.Function && random.Next(6) == 0)
            {
                failing.Add(name);
            }
        }
        // Connectors and ifs with nowhere to go get a function of their own.
        foreach (var dangling in nodes.Where(n => n.Kind is NodeKinds.Connector or NodeKinds.If && edges.All(e => e.From != n.Id)).Select(n => n.Id!).ToList())
        {
            Node($"end-{dangling}", NodeKinds.Function);
            Edge(dangling, $"end-{dangling}");
        }
        return new RandomDag(nodes, edges, connectors, failing);
    }

    private sealed record Outcome(StepStatus Status, string? Output);

    private sealed record Expected(Dictionary<string, List<Outcome>> Steps, RunStatus Status);

    /// <summary>What each node produces, worked out node by node in topological order (the order nodes were generated in).</summary>
    private static Expected Reference(RandomDag flow, List<FlowEdge> edges, string source, byte[] body)
    {
        var condition = Api.Flows.Condition.TryParse(Condition, out _)!;
        var results = flow.Nodes.ToDictionary(n => n.Id!, _ => new List<(StepStatus Status, byte[]? Output, bool? Branch)>());
        var ancestors = new Dictionary<string, HashSet<string>>();
        foreach (var node in flow.Nodes)
        {
            var id = node.Id!;
            var incoming = edges.Where(e => e.To == id).ToList();
            ancestors[id] = [.. incoming.SelectMany(e => ancestors[e.From!].Append(e.From!))];
            var inputs = incoming.SelectMany(e => results[e.From!]
                .Where(r => r.Status == StepStatus.Succeeded && (r.Branch is not { } branch || branch == (e.When ?? true))).Select(r => r.Output!)).ToList();
            switch (node.Kind)
            {
                case NodeKinds.Connector when id == source:
                    results[id].Add((StepStatus.Succeeded, body, null));
                    break;
                case NodeKinds.Function:
                    results[id].AddRange(inputs.Select(input => flow.Failing.Contains(id)
                        ? (StepStatus.DeadLettered, (byte[]?)null, (bool?)null)
                        : (StepStatus.Succeeded, Output(id, input), null)));
                    break;
                case NodeKinds.If:
                    results[id].AddRange(inputs.Select(input => (StepStatus.Succeeded, (byte[]?)input, (bool?)condition.IsTrue(input))));
                    break;
                case NodeKinds.Join when ancestors[id].Any(a => results[a].Count > 0):
                    var items = new JsonArray();
                    foreach (var edge in incoming)
                    {
                        var from = results[edge.From!].FirstOrDefault(r => r.Status == StepStatus.Succeeded && (r.Branch is not { } b || b == (edge.When ?? true)));
                        items.Add(from.Output is { } output ? JsonNode.Parse(output) : null);
                    }
                    results[id].Add(items.All(i => i is null)
                        ? (StepStatus.Skipped, null, null)
                        : (StepStatus.Succeeded, Encoding.UTF8.GetBytes(items.ToJsonString()), null));
                    break;
            }
        }
        var steps = results.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key,
            r => r.Value.Select(v => new Outcome(v.Status, v.Output is null ? null : Encoding.UTF8.GetString(v.Output))).ToList());
        var status = steps.Values.Any(s => s.Any(o => o.Status == StepStatus.DeadLettered)) ? RunStatus.Failed : RunStatus.Succeeded;
        return new Expected(steps, status);
    }

    /// <summary>A function's output: which node, and a number from its input, so that ifs downstream go either way.</summary>
    private static byte[] Output(string node, byte[] input)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(node).Concat(input))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return Encoding.UTF8.GetBytes($$"""{"n":"{{node}}","h":{{hash % 100}}}""");
    }

    /// <summary>One event through the engine: steps claimed as the engine claims them, finished in a random order, a random few at a time.</summary>
    private static async Task<(Dictionary<string, List<Outcome>> Steps, RunStatus Status)> RunAsync(EngineHarness engine,
        FlowDefinition definition, HashSet<string> failing, string source, byte[] body, Random random, string name)
    {
        var (run, graph) = await engine.StartRunAsync("alice", name, definition, source, body);
        var running = new List<FlowStep>();
        for (var round = 0; round < 1000; round++)
        {
            running.AddRange(await engine.ClaimAsync(1000));
            if (running.Count == 0)
            {
                break;
            }
            foreach (var step in running.OrderBy(_ => random.Next()).Take(1 + random.Next(running.Count)).ToList())
            {
                running.Remove(step);
                await engine.FinishAsync(step, graph, failing.Contains(step.NodeId) ? null : Output(step.NodeId, step.Input!));
            }
        }
        var (finished, steps) = await engine.ReadAsync(run);
        Assert.DoesNotContain(steps, s => s.Status is StepStatus.Pending or StepStatus.Running);
        return (steps.GroupBy(s => s.NodeId).ToDictionary(g => g.Key,
            g => g.Select(s => new Outcome(s.Status, s.Output is null ? null : Encoding.UTF8.GetString(s.Output))).ToList()), finished.Status);
    }

    private static bool Same(Dictionary<string, List<Outcome>> expected, Dictionary<string, List<Outcome>> actual) =>
        expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var a) && Sorted(e.Value).SequenceEqual(Sorted(a)));

    private static IEnumerable<Outcome> Sorted(IEnumerable<Outcome> outcomes) =>
        outcomes.OrderBy(o => o.Status).ThenBy(o => o.Output, StringComparer.Ordinal);

    private static string Describe(Dictionary<string, List<Outcome>> steps) =>
        string.Join("; ", steps.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{s.Key}: {string.Join(" ", Sorted(s.Value).Select(o => $"{o.Status}{(o.Output is null ? "" : $"={o.Output}")}"))}"));
}
