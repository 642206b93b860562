using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>A step of a run as the advance sees it: enough to know what ran, what is still to run, and which way an if went.</summary>
internal sealed record StepInfo(Guid Id, string NodeId, StepStatus Status, bool? Branch);

/// <summary>
/// What follows from a step's result in one run, inside the transaction that records the result:
/// a function successor gets a pending step with the output as its input (one per edge, so
/// fan-out is one step per successor); an if or a join is decided on the spot, recorded as a
/// finished step, and followed further. A join is decided once nothing can reach it any more:
/// no step at any of its ancestors is still pending or running.
/// </summary>
internal sealed class RunAdvance(StoreContext store, FlowGraph graph, Guid runId, Guid deploymentId, string? traceParent, List<StepInfo> steps)
{
    private readonly Dictionary<Guid, (byte[]? Body, string? Type)> _outputs = [];

    public List<FlowStep> Created { get; } = [];

    public static async Task<RunAdvance> LoadAsync(StoreContext store, FlowGraph graph, FlowStep step, CancellationToken cancellationToken)
    {
        var steps = await store.FlowSteps.AsNoTracking().Where(s => s.RunId == step.RunId)
            .Select(s => new StepInfo(s.Id, s.NodeId, s.Status, s.Branch)).ToListAsync(cancellationToken);
        return new RunAdvance(store, graph, step.RunId, step.DeploymentId, step.TraceParent, steps);
    }

    /// <summary>The run's first step: the event itself, as the output of the connector node it came through.</summary>
    public async Task StartAsync(string sourceNode, byte[] body, string? contentType, CancellationToken cancellationToken)
    {
        var source = Add(sourceNode, sourceNode, StepStatus.Succeeded, input: null, inputType: null, output: body, outputType: contentType);
        await DeliverAsync(source, cancellationToken);
    }

    /// <summary>A step (already marked succeeded, with its output) hands its output on.</summary>
    public Task SucceededAsync(StepInfo step, byte[] output, string? outputType, CancellationToken cancellationToken)
    {
        Replace(step with { Status = StepStatus.Succeeded });
        _outputs[step.Id] = (output, outputType);
        return DeliverAsync(step, cancellationToken);
    }

    /// <summary>A step was dead-lettered: nothing follows it, but a join that waited on it may now be decided.</summary>
    public Task DeadLetteredAsync(StepInfo step, CancellationToken cancellationToken)
    {
        Replace(step with { Status = StepStatus.DeadLettered });
        return ResolveJoinsAsync(cancellationToken);
    }

    /// <summary>Whether the run is over, and how: nothing pending or running any more.</summary>
    public RunStatus Outcome() =>
        steps.Any(s => s.Status is StepStatus.Pending or StepStatus.Running) ? RunStatus.Running
        : steps.Any(s => s.Status == StepStatus.DeadLettered) ? RunStatus.Failed
        : RunStatus.Succeeded;

    private async Task DeliverAsync(StepInfo from, CancellationToken cancellationToken)
    {
        var (output, type) = _outputs[from.Id];
        foreach (var edge in graph.Out(from.NodeId))
        {
            if (!Taken(from, edge))
            {
                continue;
            }
            var target = graph.Nodes[edge.To!];
            var key = $"{edge.To}<{from.Id:N}";
            if (target.Kind == NodeKinds.Function)
            {
                Add(edge.To!, key, StepStatus.Pending, output, type, null, null);
            }
            else if (target.Kind == NodeKinds.If)
            {
                var branch = graph.ConditionOf(edge.To!).IsTrue(output ?? []);
                var decided = Add(edge.To!, key, StepStatus.Succeeded, output, type, output, type, branch);
                await DeliverAsync(decided, cancellationToken);
            }
        }
        await ResolveJoinsAsync(cancellationToken);
    }

    /// <summary>Edges out of an if are taken only on their branch (<c>when</c>, default true).</summary>
    private static bool Taken(StepInfo from, FlowEdge edge) => from.Branch is not { } branch || branch == (edge.When ?? true);

    private async Task ResolveJoinsAsync(CancellationToken cancellationToken)
    {
        foreach (var join in graph.Joins)
        {
            if (steps.Any(s => s.NodeId == join))
            {
                continue;
            }
            var ancestors = graph.Ancestors(join);
            if (!steps.Any(s => ancestors.Contains(s.NodeId)) || steps.Any(s => ancestors.Contains(s.NodeId) && s.Status is StepStatus.Pending or StepStatus.Running))
            {
                continue;
            }
            var items = new JsonArray();
            var delivered = false;
            foreach (var edge in graph.In(join))
            {
                var from = steps.FirstOrDefault(s => s.NodeId == edge.From && s.Status == StepStatus.Succeeded && Taken(s, edge));
                if (from is null)
                {
                    items.Add(null);
                    continue;
                }
                delivered = true;
                var (body, _) = await OutputAsync(from.Id, cancellationToken);
                items.Add(AsJson(body ?? []));
            }
            if (!delivered)
            {
                Add(join, join, StepStatus.Skipped, null, null, null, null);
                continue;
            }
            var array = Encoding.UTF8.GetBytes(items.ToJsonString());
            var decided = Add(join, join, StepStatus.Succeeded, null, null, array, "application/json");
            await DeliverAsync(decided, cancellationToken);
        }
    }

    /// <summary>An output inside a join's array: itself if it is JSON, else its text as a string.</summary>
    private static JsonNode? AsJson(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(body));
        }
    }

    private async Task<(byte[]? Body, string? Type)> OutputAsync(Guid step, CancellationToken cancellationToken)
    {
        if (!_outputs.TryGetValue(step, out var output))
        {
            output = (await store.FlowSteps.AsNoTracking().Where(s => s.Id == step).Select(s => new { s.Output, s.OutputType })
                .SingleAsync(cancellationToken)) is var row ? (row.Output, row.OutputType) : default;
            _outputs[step] = output;
        }
        return output;
    }

    private StepInfo Add(string node, string key, StepStatus status, byte[]? input, string? inputType, byte[]? output, string? outputType,
        bool? branch = null)
    {
        var now = DateTime.UtcNow;
        var finished = status != StepStatus.Pending;
        var step = new FlowStep
        {
            RunId = runId,
            DeploymentId = deploymentId,
            TraceParent = traceParent,
            NodeId = node,
            Key = key,
            Status = status,
            Input = input,
            InputType = inputType,
            Output = output,
            OutputType = outputType,
            Branch = branch,
            DueAt = now,
            StartedAt = finished ? now : null,
            FinishedAt = finished ? now : null,
        };
        store.FlowSteps.Add(step);
        Created.Add(step);
        var info = new StepInfo(step.Id, node, status, branch);
        steps.Add(info);
        _outputs[step.Id] = (output, outputType);
        return info;
    }

    private void Replace(StepInfo step)
    {
        var index = steps.FindIndex(s => s.Id == step.Id);
        if (index >= 0)
        {
            steps[index] = step;
        }
        else
        {
            steps.Add(step);
        }
    }
}
