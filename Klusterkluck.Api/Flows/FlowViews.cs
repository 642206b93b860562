using System.Text.Unicode;
using Klusterkluck.Api.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>Stored flows, runs and steps → responses.</summary>
internal static class FlowViews
{
    /// <summary>How much of a payload a run's view shows: a step may carry up to Flows:MaxPayloadBytes.</summary>
    public const int ShownBytes = 64 * 1024;

    public static async Task<FlowResponse> ToResponseAsync(this Flow flow, FlowService flows, FlowConnectors connectors, IRuntime runtime,
        CancellationToken cancellationToken)
    {
        var definition = FlowDefinition.FromJson(flow.Definition);
        var live = await flows.DeploymentAsync(flow, cancellationToken);
        var deployed = live is null ? null : FlowDefinition.FromJson(live.Definition);
        var deployment = live is null ? null : new FlowDeploymentResponse(live.Id, live.CreatedAt, definition.RunsAs(deployed!));
        var eventUrls = (deployed?.Nodes ?? []).Where(n => n.Kind == NodeKinds.Connector)
            .ToDictionary(n => n.Id!, n => connectors.EventUrl(flow.Owner, flow.Name, n.Id!).AbsoluteUri);
        return new FlowResponse(flow.Name, definition.Nodes ?? [], definition.Edges ?? [], deployment,
            await runtime.ConnectorsAsync(flow.Owner, flow.Name, cancellationToken), eventUrls, flow.CreatedAt, flow.UpdatedAt, definition.Layout,
            FlowVersion.Of(flow));
    }

    /// <summary>A flow as the list shows it: whether what runs is what was saved, its connectors, and its newest run.</summary>
    public static async Task<FlowSummaryResponse> ToSummaryAsync(this Flow flow, FlowService flows, IRuntime runtime, StoreContext store,
        CancellationToken cancellationToken)
    {
        var live = await flows.DeploymentAsync(flow, cancellationToken);
        var lastRun = await store.FlowRuns.AsNoTracking().Where(r => r.Owner == flow.Owner && r.FlowName == flow.Name)
            .OrderByDescending(r => r.AcceptedAt).FirstOrDefaultAsync(cancellationToken);
        return new FlowSummaryResponse(flow.Name, live is not null, flow.UpdatedAt,
            live is not null && FlowDefinition.SameGraph(live.Definition, flow.Definition),
            await runtime.ConnectorsAsync(flow.Owner, flow.Name, cancellationToken), lastRun?.ToSummary());
    }

    public static RunSummaryResponse ToSummary(this FlowRun run) =>
        new(run.Id, Lower(run.Status), run.SourceNode, run.AcceptedAt, run.FinishedAt, DurationMs(run), run.Error);

    public static RunResponse ToResponse(this FlowRun run, IReadOnlyList<StepSummaryResponse> steps, string? next) =>
        new(run.Id, Lower(run.Status), run.SourceNode, run.AcceptedAt, run.FinishedAt, DurationMs(run), run.Error, steps, next);

    public static StepSummaryResponse ToSummary(this StepRow step) => new(
        step.Id,
        step.NodeId,
        Lower(step.Status),
        step.Attempts,
        step.Branch,
        step.Error,
        step.CreatedAt,
        step.StartedAt,
        step.FinishedAt,
        // An if step's input is its output, stored once.
        step.Branch is null ? Size(step.InputBytes, step.InputType) : Size(step.OutputBytes, step.OutputType),
        Size(step.OutputBytes, step.OutputType));

    public static StepResponse ToResponse(this StepRow step, PayloadHeads heads) => new(
        step.Id,
        step.NodeId,
        Lower(step.Status),
        step.Attempts,
        step.Branch,
        step.Error,
        step.CreatedAt,
        step.StartedAt,
        step.FinishedAt,
        step.Branch is null ? Payload(heads.Input, step.InputBytes, step.InputType) : Payload(heads.Output, step.OutputBytes, step.OutputType),
        Payload(heads.Output, step.OutputBytes, step.OutputType));

    private static PayloadSizeResponse? Size(int? bytes, string? type) => bytes is { } size ? new PayloadSizeResponse(type, size) : null;

    private static string Lower<T>(T status) where T : struct, Enum => status.ToString().ToLowerInvariant();

    private static double? DurationMs(FlowRun run) => run.FinishedAt is { } finished ? (finished - run.AcceptedAt).TotalMilliseconds : null;

    /// <param name="head">The payload's first bytes, up to one more than is shown.</param>
    /// <param name="bytes">The payload's whole size.</param>
    private static PayloadResponse? Payload(byte[]? head, int? bytes, string? type)
    {
        if (head is null || bytes is not { } size)
        {
            return null;
        }
        var shown = head.AsMemory(0, Math.Min(head.Length, ShownBytes));
        // Not text when cut inside a character, or not UTF-8 at all.
        var text = Utf8.IsValid(shown.Span);
        return new PayloadResponse(type, new PayloadBody(shown, text), text ? "text" : "base64", size, size > ShownBytes);
    }
}
