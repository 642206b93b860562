using System.Diagnostics;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// Flow runs in traces: each step of a run is a span under the request that brought the run's
/// event (and so under the connector's delivery), and the step's call to its function carries
/// the span on, through the worker, into the function.
/// </summary>
public static class FlowTelemetry
{
    public static readonly ActivitySource Source = new($"{TelemetryExtensions.SourcePrefix}.Flows");

    /// <summary>The activity as a W3C traceparent, if it is one.</summary>
    public static string? TraceParent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { Length: <= 64 } id } ? id : null;

    /// <summary>
    /// The run's own span, as its event is accepted (under the request, and so under the
    /// connector's delivery); the run's steps hang under it however much later they run.
    /// </summary>
    public static Activity? StartRun(Flow flow, string sourceNode, string eventKey) =>
        Source.StartActivity($"flow run {flow.Owner}/{flow.Name}")
            ?.SetTag("klusterkluck.user", flow.Owner)
            .SetTag("klusterkluck.flow", flow.Name)
            .SetTag("klusterkluck.flow.source", sourceNode)
            .SetTag("klusterkluck.flow.event", eventKey);

    /// <summary>A step's span, under its run's trace; null when nobody listens (no OTLP endpoint).</summary>
    public static Activity? StartStep(FlowStep step, LiveDeployment deployment, FlowNode node)
    {
        ActivityContext.TryParse(step.TraceParent, null, out var parent);
        var activity = Source.StartActivity($"flow step {deployment.Owner}/{deployment.FlowName}/{step.NodeId}", ActivityKind.Internal, parent);
        activity?.SetTag("klusterkluck.user", deployment.Owner)
            .SetTag("klusterkluck.flow", deployment.FlowName)
            .SetTag("klusterkluck.flow.run", step.RunId.ToString("N"))
            .SetTag("klusterkluck.flow.step", step.Id.ToString("N"))
            .SetTag("klusterkluck.flow.node", step.NodeId)
            .SetTag("klusterkluck.function", node.Ref)
            .SetTag("klusterkluck.flow.attempt", step.Attempts);
        return activity;
    }
}
