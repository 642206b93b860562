using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>A step of a run as the advance sees it: enough to know what ran, what is still to run, and which way an if went.</summary>
internal sealed record StepInfo(Guid Id, string NodeId, StepStatus Status, bool? Branch);

/// <summary>What every step of a run carries from the run, and what the run has used of its limits so far.</summary>
internal sealed record RunHeader(Guid Id, Guid DeploymentId, string Owner, string FlowName, string? TraceParent);

/// <summary>
/// What follows from a step's result in one run, inside the transaction that records the result.
/// First everything that follows at once: a function successor gets a pending step with the
/// output as its input (one per edge, so fan-out is one step per successor), and an if is decided
/// on the spot, recorded as a finished step, and followed further. Only then are joins decided, one
/// at a time in topological order, each once no step of the run can reach it any more: none of its
/// ancestors has a step pending or running. Deciding a join before the at-once work is done would
/// miss steps about to be created, so a join's answer would depend on the order edges are listed in.
/// A run that would cross Flows:MaxStepsPerEvent or Flows:MaxRunBytes fails with that reason.
/// </summary>
/// <param name="storedBytes">What the run's steps store so far (their inputs and outputs).</param>
internal sealed class RunAdvance(StoreContext store, FlowGraph graph, RunHeader run, List<StepInfo> steps, long storedBytes, FlowOptions limits)
{
    private readonly Dictionary<Guid, (byte[]? Body, string? Type)> _outputs = [];
    private readonly NodeTally _tally = new(steps);
    private long _storedBytes = storedBytes;

    public List<FlowStep> Created { get; } = [];

    /// <summary>Why the run failed as a whole (a limit it would cross), or null.</summary>
    public string? Failure { get; private set; }

    public static async Task<RunAdvance> LoadAsync(StoreContext store, FlowGraph graph, RunHeader run, FlowOptions limits,
        CancellationToken cancellationToken)
    {
        // The sizes come from the rows' headers (SQLite's length(), PostgreSQL's octet_length()), not the payloads.
        var rows = await store.FlowSteps.AsNoTracking().Where(s => s.RunId == run.Id)
            .Select(s => new { Info = new StepInfo(s.Id, s.NodeId, s.Status, s.Branch), Input = s.Input == null ? 0 : s.Input.Length, Output = s.Output == null ? 0 : s.Output.Length })
            .ToListAsync(cancellationToken);
        return new RunAdvance(store, graph, run, [.. rows.Select(r => r.Info)], rows.Sum(r => (long)r.Input + r.Output), limits);
    }

    /// <summary>The run's first step: the event itself, as the output of the connector node it came through.</summary>
    public Task StartAsync(string sourceNode, byte[] body, string? contentType, CancellationToken cancellationToken) =>
        WithinLimitsAsync(() =>
        {
            var source = Add(sourceNode, sourceNode, StepStatus.Succeeded, input: null, inputType: null, output: body, outputType: contentType);
            return PropagateAsync(source, cancellationToken);
        });

    /// <summary>A step (already marked succeeded, with its output) hands its output on.</summary>
    public Task SucceededAsync(StepInfo step, byte[] output, string? outputType, CancellationToken cancellationToken) =>
        WithinLimitsAsync(() =>
        {
            Replace(step with { Status = StepStatus.Succeeded });
            _outputs[step.Id] = (output, outputType);
            // Its output is counted already: written before the run's steps were loaded.
            Store(0);
            return PropagateAsync(step, cancellationToken);
        });

    /// <summary>A step was dead-lettered: nothing follows it, but a join that waited on it may now be decided.</summary>
    public Task DeadLetteredAsync(StepInfo step, CancellationToken cancellationToken) =>
        WithinLimitsAsync(() =>
        {
            Replace(step with { Status = StepStatus.DeadLettered });
            return PropagateAsync(null, cancellationToken);
        });

    /// <summary>Whether the run is over, and how: failed as a whole, or nothing pending or running any more.</summary>
    public RunStatus Outcome() =>
        Failure is not null ? RunStatus.Failed
        : _tally.Unfinished > 0 ? RunStatus.Running
        : steps.Any(s => s.Status == StepStatus.DeadLettered) ? RunStatus.Failed
        : RunStatus.Succeeded;

    /// <summary>
    /// Writes what the advance decided: the new steps, and the run's end when this was its last
    /// step. A run that failed as a whole takes its unfinished steps with it: pending ones never
    /// run, and the result of a running one is not recorded (it needs its claim).
    /// <paramref name="created"/> is the run's row when this advance started it (tracked, not yet
    /// saved); otherwise the row exists and the caller's transaction holds its lock.
    /// </summary>
    public async Task<RunStatus> SaveAsync(FlowRun? created, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var outcome = Outcome();
        var finished = outcome != RunStatus.Running;
        var error = FlowStep.Clip(Failure);
        if (created is not null)
        {
            created.Status = outcome;
            created.Error = error;
            created.FinishedAt = finished ? created.AcceptedAt : null;
            await store.SaveChangesAsync(cancellationToken);
            return outcome;
        }
        await store.SaveChangesAsync(cancellationToken);
        if (Failure is not null)
        {
            foreach (var (unfinished, why) in new[] { (StepStatus.Pending, NotRun()), (StepStatus.Running, FlowStep.Clip($"its result is not kept: the run failed: {Failure}")) })
            {
                await store.FlowSteps.Where(s => s.RunId == run.Id && s.Status == unfinished).ExecuteUpdateAsync(set => set
                    .SetProperty(s => s.Status, StepStatus.DeadLettered)
                    .SetProperty(s => s.Error, why)
                    .SetProperty(s => s.LeaseToken, (string?)null)
                    .SetProperty(s => s.FinishedAt, now), cancellationToken);
            }
        }
        if (finished)
        {
            await store.FlowRuns.Where(r => r.Id == run.Id && r.Status == RunStatus.Running).ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, outcome)
                .SetProperty(r => r.Error, error)
                .SetProperty(r => r.FinishedAt, now), cancellationToken);
        }
        return outcome;
    }

    private string? NotRun() => FlowStep.Clip($"not run: the run failed: {Failure}");

    private async Task WithinLimitsAsync(Func<Task> advance)
    {
        try
        {
            await advance();
        }
        catch (RunLimitException e)
        {
            Failure = e.Message;
            foreach (var step in Created.Where(s => s.Status == StepStatus.Pending))
            {
                step.Status = StepStatus.DeadLettered;
                step.Error = NotRun();
                step.FinishedAt = step.CreatedAt;
            }
        }
    }

    /// <summary>Everything that follows from <paramref name="from"/> (null: only joins that may now be decided).</summary>
    private async Task PropagateAsync(StepInfo? from, CancellationToken cancellationToken)
    {
        var ready = new Queue<StepInfo>();
        if (from is not null)
        {
            ready.Enqueue(from);
        }
        while (true)
        {
            while (ready.TryDequeue(out var step))
            {
                Deliver(step, ready);
            }
            if (await DecideNextJoinAsync(cancellationToken) is not { } join)
            {
                return;
            }
            if (join.Status == StepStatus.Succeeded)
            {
                ready.Enqueue(join);
            }
        }
    }

    /// <summary>The at-once part: pending steps for functions, decided ifs (queued to be followed in turn).</summary>
    private void Deliver(StepInfo from, Queue<StepInfo> ready)
    {
        var (output, type) = _outputs[from.Id];
        foreach (var edge in graph.Out(from.NodeId))
        {
            if (!Taken(from, edge))
            {
                continue;
            }
            var key = $"{edge.To}<{from.Id:N}";
            switch (graph.Nodes[edge.To!].Kind)
            {
                case NodeKinds.Function:
                    Add(edge.To!, key, StepStatus.Pending, output, type, null, null);
                    break;
                case NodeKinds.If:
                    var branch = graph.ConditionOf(edge.To!).IsTrue(output ?? []);
                    // Its output is its input: stored once, as the output (the view shows it as both).
                    ready.Enqueue(Add(edge.To!, key, StepStatus.Succeeded, null, null, output, type, branch));
                    break;
            }
        }
    }

    /// <summary>Edges out of an if are taken only on their branch (<c>when</c>, default true).</summary>
    private static bool Taken(StepInfo from, FlowEdge edge) => from.Branch is not { } branch || branch == (edge.When ?? true);

    /// <summary>
    /// The first join (in topological order) that can be decided now, decided: one that has no step
    /// yet, some of whose ancestors ran in this run, and none of whose ancestors can still run.
    /// </summary>
    private async Task<StepInfo?> DecideNextJoinAsync(CancellationToken cancellationToken)
    {
        foreach (var join in graph.Joins)
        {
            var ancestors = graph.Ancestors(join);
            if (_tally.Has(join) || !ancestors.Any(_tally.Has) || ancestors.Any(_tally.IsUnfinished))
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
                return Add(join, join, StepStatus.Skipped, null, null, null, null);
            }
            var array = Encoding.UTF8.GetBytes(items.ToJsonString());
            return Add(join, join, StepStatus.Succeeded, null, null, array, "application/json");
        }
        return null;
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
        if (steps.Count >= limits.MaxStepsPerEvent)
        {
            throw new RunLimitException($"it would create more than {limits.MaxStepsPerEvent} steps (Flows:MaxStepsPerEvent)");
        }
        Store((input?.Length ?? 0) + (output?.Length ?? 0));
        var now = DateTime.UtcNow;
        var finished = status != StepStatus.Pending;
        var step = new FlowStep
        {
            RunId = run.Id,
            DeploymentId = run.DeploymentId,
            Owner = run.Owner,
            FlowName = run.FlowName,
            TraceParent = run.TraceParent,
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
        _tally.Added(info);
        _outputs[step.Id] = (output, outputType);
        return info;
    }

    /// <summary>Counts payload bytes the run stores; past Flows:MaxRunBytes the run fails.</summary>
    private void Store(long bytes)
    {
        _storedBytes += bytes;
        if (_storedBytes > limits.MaxRunBytes)
        {
            throw new RunLimitException($"its steps would store more than {limits.MaxRunBytes} bytes of payloads (Flows:MaxRunBytes)");
        }
    }

    private void Replace(StepInfo step)
    {
        var index = steps.FindIndex(s => s.Id == step.Id);
        if (index >= 0)
        {
            _tally.Removed(steps[index]);
            steps[index] = step;
        }
        else
        {
            steps.Add(step);
        }
        _tally.Added(step);
    }

    /// <summary>Per node: how many steps the run has there, and how many of them are still to finish.</summary>
    private sealed class NodeTally
    {
        private readonly Dictionary<string, (int All, int Unfinished)> _byNode = new(StringComparer.Ordinal);

        public NodeTally(IEnumerable<StepInfo> steps)
        {
            foreach (var step in steps)
            {
                Added(step);
            }
        }

        public int Unfinished { get; private set; }

        public bool Has(string node) => _byNode.TryGetValue(node, out var count) && count.All > 0;

        public bool IsUnfinished(string node) => _byNode.TryGetValue(node, out var count) && count.Unfinished > 0;

        public void Added(StepInfo step) => Count(step, +1);

        public void Removed(StepInfo step) => Count(step, -1);

        private void Count(StepInfo step, int by)
        {
            var unfinished = step.Status is StepStatus.Pending or StepStatus.Running ? by : 0;
            var (all, open) = _byNode.GetValueOrDefault(step.NodeId);
            _byNode[step.NodeId] = (all + by, open + unfinished);
            Unfinished += unfinished;
        }
    }

    private sealed class RunLimitException(string message) : Exception(message);
}
