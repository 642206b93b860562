using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// <c>POST /events/{user}/{flow}/{node}</c>: where a flow's connectors deliver (their
/// <c>KK_TARGET_URL</c>), with the flow's event token as bearer token. 202 once the event's run
/// is committed; the connector retries anything else it may retry (503), and the
/// <c>Idempotency-Key</c> it sends makes its retries land on the same run.
/// </summary>
public static class FlowEventEndpoints
{
    public static void MapConnectorEvents(this WebApplication app) =>
        app.MapPost("/events/{user}/{name}/{node}", ConnectorEventAsync).WithTags("Flows").DisableRequestSizeLimitForEvents();

    /// <summary>The body limit is checked while reading (Flows:MaxPayloadBytes), for a clear 413.</summary>
    public static RouteHandlerBuilder DisableRequestSizeLimitForEvents(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute());

    private static async Task<Results<Accepted<EventAcceptedResponse>, ProblemHttpResult>> ConnectorEventAsync(string user, string name, string node,
        HttpRequest request, FlowService flows, FlowEvents events, IOptions<FlowOptions> options, CancellationToken cancellationToken)
    {
        var flow = Identity.UserNames.IsValid(user) ? await flows.FindAsync(user, name, cancellationToken) : null;
        // Unknown flow and wrong token answer alike: the endpoint tells nobody which flows exist.
        if (flow is null || !HasToken(request, flow.EventToken))
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem("A flow's event token is required.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }
        return await AcceptAsync(flow, node, request, events, options.Value, cancellationToken);
    }

    internal static async Task<Results<Accepted<EventAcceptedResponse>, ProblemHttpResult>> AcceptAsync(Flow flow, string node, HttpRequest request,
        FlowEvents events, FlowOptions options, CancellationToken cancellationToken)
    {
        // Refused rather than replaced: a key that does not fit would otherwise give each delivery
        // a run of its own, and a redelivered event would run twice.
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > FlowRun.MaxEventKeyLength)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["Idempotency-Key"] = [$"An Idempotency-Key is at most {FlowRun.MaxEventKeyLength} characters; this one has {idempotencyKey.Length}."],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Idempotency-Key too long",
            });
        }
        if (await ReadCappedAsync(request, options.MaxPayloadBytes, cancellationToken) is not { } body)
        {
            return TypedResults.Problem($"An event is at most {options.MaxPayloadBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Event too large");
        }
        var (outcome, runId) = await events.AcceptAsync(flow, node, idempotencyKey, body, request.ContentType,
            cancellationToken);
        return outcome switch
        {
            EventOutcome.Accepted or EventOutcome.Duplicate => TypedResults.Accepted($"/api/v1/flows/{flow.Name}/runs/{runId}",
                new EventAcceptedResponse(runId!.Value, outcome == EventOutcome.Duplicate)),
            EventOutcome.NotDeployed => TypedResults.Problem($"Flow '{flow.Name}' is not deployed.", statusCode: StatusCodes.Status409Conflict,
                title: "Flow not deployed"),
            EventOutcome.NotASource => TypedResults.Problem($"The deployed flow '{flow.Name}' has no connector node '{node}'.",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown source node"),
            _ => FlowEndpoints.NotFound(flow.Name),
        };
    }

    private static bool HasToken(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    /// <summary>The body, or null when it is larger than <paramref name="max"/> (said up front or found while reading).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return null;
        }
        var (body, exceeded) = await Hosting.CappedRead.ReadAsync(request.Body, max, cancellationToken);
        return exceeded ? null : body;
    }
}
