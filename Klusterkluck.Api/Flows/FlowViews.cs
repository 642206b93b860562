using System.Text;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Flows;

/// <summary>Stored flows, runs and steps → responses.</summary>
internal static class FlowViews
{
    /// <summary>How much of a payload a run's view shows: a step may carry up to Flows:MaxPayloadBytes.</summary>
    private const int ShownBytes = 64 * 1024;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<FlowResponse> ToResponseAsync(this Flow flow, FlowService flows, FlowConnectors connectors, IRuntime runtime,
        CancellationToken cancellationToken)
    {
        var definition = FlowDefinition.FromJson(flow.Definition);
        var live = await flows.DeploymentAsync(flow, cancellationToken);
        var deployed = live is null ? null : FlowDefinition.FromJson(live.Definition);
        var deployment = live is null ? null : new FlowDeploymentResponse(live.Id, live.CreatedAt, live.Definition == flow.Definition);
        var eventUrls = (deployed?.Nodes ?? []).Where(n => n.Kind == NodeKinds.Connector)
            .ToDictionary(n => n.Id!, n => connectors.EventUrl(flow.Owner, flow.Name, n.Id!).AbsoluteUri);
        return new FlowResponse(flow.Name, definition.Nodes ?? [], definition.Edges ?? [], deployment,
            await runtime.ConnectorsAsync(flow.Owner, flow.Name, cancellationToken), eventUrls, flow.CreatedAt, flow.UpdatedAt);
    }

    public static RunResponse ToResponse(this FlowRun run, IEnumerable<FlowStep>? steps) => new(
        run.Id,
        run.Status.ToString().ToLowerInvariant(),
        run.SourceNode,
        run.AcceptedAt,
        run.FinishedAt,
        run.FinishedAt is { } finished ? (finished - run.AcceptedAt).TotalMilliseconds : null,
        steps?.Select(ToResponse).ToList());

    private static StepResponse ToResponse(FlowStep step) => new(
        step.Id,
        step.NodeId,
        step.Status.ToString().ToLowerInvariant(),
        step.Attempts,
        step.Branch,
        step.Error,
        step.CreatedAt,
        step.StartedAt,
        step.FinishedAt,
        // An if step's input is its output, stored once.
        step.Branch is null ? Payload(step.Input, step.InputType) : Payload(step.Output, step.OutputType),
        Payload(step.Output, step.OutputType));

    private static PayloadResponse? Payload(byte[]? body, string? type)
    {
        if (body is null)
        {
            return null;
        }
        var shown = body.AsSpan(0, Math.Min(body.Length, ShownBytes));
        try
        {
            return new PayloadResponse(type, s_strictUtf8.GetString(shown), "text", body.Length, body.Length > ShownBytes);
        }
        catch (DecoderFallbackException)
        {
            // Cut inside a character, or not text at all.
            return new PayloadResponse(type, Convert.ToBase64String(shown), "base64", body.Length, body.Length > ShownBytes);
        }
    }
}
