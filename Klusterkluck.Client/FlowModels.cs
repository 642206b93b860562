using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klusterkluck.Client;

// The flow API's shapes as the console reads and writes them (camelCase JSON).

/// <summary>A flow as saved: the definition the editor edits, with where each node is drawn.</summary>
public sealed record FlowDefinitionInfo(
    IReadOnlyList<FlowNodeInfo> Nodes,
    IReadOnlyList<FlowEdgeInfo> Edges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, NodePositionInfo>? Layout);

/// <param name="Kind">connector, function, if or join.</param>
/// <param name="Config">A connector's variables, a function's attempts, an if's condition.</param>
public sealed record FlowNodeInfo(
    string Id,
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ref,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, JsonElement>? Config);

/// <param name="When">Only on edges out of an if: taken when the condition is this.</param>
public sealed record FlowEdgeInfo(string From, string To, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? When = null);

public sealed record NodePositionInfo(double X, double Y);

public sealed record FlowInfo(
    string Name,
    IReadOnlyList<FlowNodeInfo> Nodes,
    IReadOnlyList<FlowEdgeInfo> Edges,
    FlowDeploymentInfo? Deployment,
    IReadOnlyList<ConnectorStatusInfo> Connectors,
    IReadOnlyDictionary<string, string> EventUrls,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyDictionary<string, NodePositionInfo>? Layout,
    string? Version)
{
    [JsonIgnore]
    public FlowDefinitionInfo Definition => new(Nodes, Edges, Layout);
}

public sealed record FlowDeploymentInfo(Guid Id, DateTime DeployedAt, bool UpToDate);

/// <param name="State">running, starting, restarting, failed, pending… as the runtime tells it.</param>
public sealed record ConnectorStatusInfo(string Node, string State, int Restarts, string? Error, string? Url);

public sealed record FlowSummaryInfo(string Name, bool Deployed, DateTime UpdatedAt, bool UpToDate,
    IReadOnlyList<ConnectorStatusInfo>? Connectors, RunSummaryInfo? LastRun);

public sealed record NewFlow(
    string Name,
    IReadOnlyList<FlowNodeInfo> Nodes,
    IReadOnlyList<FlowEdgeInfo> Edges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, NodePositionInfo>? Layout);

public sealed record ValidFlowInfo(bool Valid, int Nodes, int Edges);

/// <param name="Format">text, integer, duration, boolean, url… the grammar the connector host checks.</param>
/// <param name="Secret">A credential: shown masked.</param>
/// <param name="Listen">Assigned by the platform: not a field the user fills.</param>
public sealed record ConnectorVariableInfo(string Name, string Description, bool Required, string? Default, string Format, string Scope,
    bool Secret, bool Listen, bool MaxPayload);

public sealed record ConnectorInfo(string Name, string Description, IReadOnlyList<ConnectorVariableInfo> Variables);

/// <param name="Status">running, succeeded or failed.</param>
public sealed record RunSummaryInfo(Guid Id, string Status, string SourceNode, DateTime AcceptedAt, DateTime? FinishedAt, double? DurationMs,
    string? Error);

public sealed record RunInfo(Guid Id, string Status, string SourceNode, DateTime AcceptedAt, DateTime? FinishedAt, double? DurationMs,
    string? Error, IReadOnlyList<StepSummaryInfo> Steps, string? Next);

/// <param name="Status">pending, running, succeeded, deadlettered or skipped.</param>
public sealed record StepSummaryInfo(Guid Id, string Node, string Status, int Attempts, bool? Branch, string? Error, DateTime CreatedAt,
    DateTime? StartedAt, DateTime? FinishedAt, PayloadSizeInfo? Input, PayloadSizeInfo? Output);

public sealed record PayloadSizeInfo(string? ContentType, int Bytes);

public sealed record StepInfo(Guid Id, string Node, string Status, int Attempts, bool? Branch, string? Error, DateTime CreatedAt,
    DateTime? StartedAt, DateTime? FinishedAt, PayloadInfo? Input, PayloadInfo? Output);

/// <param name="Body">The first 64 KiB: text when <paramref name="Encoding"/> is text, else base64.</param>
public sealed record PayloadInfo(string? ContentType, string Body, string Encoding, int Bytes, bool Truncated);

public sealed record EventAcceptedInfo(Guid RunId, bool Duplicate);
