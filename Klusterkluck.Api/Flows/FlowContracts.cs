using System.ComponentModel.DataAnnotations;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Flows;

/// <param name="Name">A DNS-1123 label of 2 to 40 characters, unique among the caller's flows.</param>
public sealed record CreateFlowRequest(
    [property: Required, FlowName] string Name,
    IReadOnlyList<FlowNode>? Nodes,
    IReadOnlyList<FlowEdge>? Edges,
    IReadOnlyDictionary<string, NodePosition>? Layout = null)
{
    public FlowDefinition Definition => new(Nodes, Edges, Layout);
}

/// <param name="Deployment">The live deployment; null before the first deploy.</param>
/// <param name="Connectors">The connector instances the runtime runs for the live deployment.</param>
/// <param name="EventUrls">Where each connector node accepts events from its connector (with the flow's event token).</param>
/// <param name="Layout">Where the editor draws each node; null when the flow was written without one.</param>
/// <param name="Version">The flow's version, as its <c>ETag</c>: send it as <c>If-Match</c> with a PUT to save only over it.</param>
public sealed record FlowResponse(
    string Name,
    IReadOnlyList<FlowNode> Nodes,
    IReadOnlyList<FlowEdge> Edges,
    FlowDeploymentResponse? Deployment,
    IReadOnlyList<ConnectorStatus> Connectors,
    IReadOnlyDictionary<string, string> EventUrls,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyDictionary<string, NodePosition>? Layout = null,
    string? Version = null);

/// <param name="UpToDate">Whether the saved definition runs as the deployed one (false after a PUT that changed more than the layout, until the next deploy).</param>
public sealed record FlowDeploymentResponse(Guid Id, DateTime DeployedAt, bool UpToDate);

/// <param name="UpToDate">As in <see cref="FlowDeploymentResponse"/>; false when not deployed.</param>
/// <param name="Connectors">The connectors running for the live deployment, with their states.</param>
/// <param name="LastRun">The newest run; null before the first event.</param>
public sealed record FlowSummaryResponse(string Name, bool Deployed, DateTime UpdatedAt, bool UpToDate = false,
    IReadOnlyList<ConnectorStatus>? Connectors = null, RunSummaryResponse? LastRun = null);

public sealed record ValidFlowResponse(bool Valid, int Nodes, int Edges);

/// <param name="Duplicate">The event's Idempotency-Key was seen before: this is the run it started then.</param>
public sealed record EventAcceptedResponse(Guid RunId, bool Duplicate);

/// <param name="Status">running, succeeded, or failed (a step was dead-lettered, or the run crossed a limit).</param>
/// <param name="DurationMs">From the event's acceptance to its last step's end; null while running.</param>
/// <param name="Error">Why the run failed as a whole (Flows:MaxStepsPerEvent, Flows:MaxRunBytes); null when it did not, or failed by a dead-lettered step.</param>
public sealed record RunSummaryResponse(
    Guid Id,
    string Status,
    string SourceNode,
    DateTime AcceptedAt,
    DateTime? FinishedAt,
    double? DurationMs,
    string? Error);

/// <summary>A run with one page of its steps, oldest first; each step's payloads are at <c>runs/{id}/steps/{stepId}</c>.</summary>
/// <param name="Steps">At most <c>limit</c> steps, without their payloads' bodies.</param>
/// <param name="Next">The value of <c>after</c> for the next page; null on the last one.</param>
/// <param name="Error">As in <see cref="RunSummaryResponse"/>.</param>
public sealed record RunResponse(
    Guid Id,
    string Status,
    string SourceNode,
    DateTime AcceptedAt,
    DateTime? FinishedAt,
    double? DurationMs,
    string? Error,
    IReadOnlyList<StepSummaryResponse> Steps,
    string? Next);

/// <param name="Status">pending, running, succeeded, deadlettered or skipped.</param>
/// <param name="Branch">An if step's outcome.</param>
/// <param name="Error">The last attempt's failure (for a pending step: why it waits), or why it was dead-lettered.</param>
/// <param name="Input">The input's size and type; null when the step has none.</param>
public sealed record StepSummaryResponse(
    Guid Id,
    string Node,
    string Status,
    int Attempts,
    bool? Branch,
    string? Error,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    PayloadSizeResponse? Input,
    PayloadSizeResponse? Output);

public sealed record PayloadSizeResponse(string? ContentType, int Bytes);

/// <summary>One step with the first 64 KiB of its input and output.</summary>
/// <param name="Status">pending, running, succeeded, deadlettered or skipped.</param>
/// <param name="Branch">An if step's outcome.</param>
/// <param name="Error">The last attempt's failure (for a pending step: why it waits), or why it was dead-lettered.</param>
public sealed record StepResponse(
    Guid Id,
    string Node,
    string Status,
    int Attempts,
    bool? Branch,
    string? Error,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    PayloadResponse? Input,
    PayloadResponse? Output);

/// <param name="Encoding">text (UTF-8) or base64.</param>
/// <param name="Bytes">The payload's whole size; <paramref name="Body"/> shows at most 64 KiB of it.</param>
public sealed record PayloadResponse(string? ContentType, PayloadBody Body, string Encoding, int Bytes, bool Truncated);
