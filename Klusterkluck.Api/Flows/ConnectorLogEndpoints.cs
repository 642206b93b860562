using System.Security.Claims;
using Klusterkluck.Api.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// <c>GET /api/v1/flows/{name}/connectors/{node}/logs</c>: a connector's recent output as text, the
/// owner's only, so that why it keeps restarting, and what it dead-lettered (the host's
/// <c>Dead-lettered payload</c> lines, with each payload in base64), can be read through the API.
/// </summary>
public static class ConnectorLogEndpoints
{
    public static RouteGroupBuilder MapConnectorLogs(this RouteGroupBuilder flows)
    {
        flows.MapGet("/{name}/connectors/{node}/logs", LogsAsync);
        return flows;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> LogsAsync(string name, string node, ClaimsPrincipal user,
        FlowService flows, IRuntime runtime, CancellationToken cancellationToken, int? lines = null)
    {
        if (LogLines.Refusal(lines) is { } refusal)
        {
            return refusal;
        }
        // Another user's flow is unknown, as everywhere under /api/v1/flows.
        if (await flows.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } flow)
        {
            return FlowEndpoints.NotFound(name);
        }
        if (await runtime.ConnectorLogAsync(new ConnectorId(flow.Owner, flow.Name, node), lines ?? LogLines.Default, cancellationToken) is not { } log)
        {
            return TypedResults.Problem($"Flow '{flow.Name}' runs no connector '{node}' (is the flow deployed, and is '{node}' a connector node?).",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown connector");
        }
        return TypedResults.Text(string.Concat(log.Select(line => line + "\n")), "text/plain; charset=utf-8");
    }
}
