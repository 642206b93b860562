using System.Security.Claims;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Flows;

/// <summary>/api/v1/flows: every endpoint acts on the caller's own flows only; another user's name is a 404.</summary>
public static class FlowEndpoints
{
    private const int MaxDefinitionBytes = 256 * 1024;

    public static RouteGroupBuilder MapFlows(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/flows").WithTags("Flows").RequireAuthorization()
            .AddEndpointFilter(Callers.RequireTenantName).WithLimits();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).WithMetadata(new RequestSizeLimitAttribute(MaxDefinitionBytes));
        group.MapPost("/validate", ValidateAsync).WithMetadata(new RequestSizeLimitAttribute(MaxDefinitionBytes));
        group.MapGet("/{name}", GetAsync);
        group.MapPut("/{name}", UpdateAsync).WithMetadata(new RequestSizeLimitAttribute(MaxDefinitionBytes));
        group.MapDelete("/{name}", DeleteAsync);
        group.MapPost("/{name}/deploy", DeployAsync);
        group.MapFlowRuns();
        group.MapPost("/{name}/events/{node}", EventAsync).DisableRequestSizeLimitForEvents();
        group.MapConnectorLogs();
        // The runtime refusing to start or stop a connector (Kubernetes answering an error, say) is the runtime's problem, told as such.
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (DeployException e)
            {
                return TypedResults.Problem($"The runtime did not start or stop the flow's connectors: {e.Message}",
                    statusCode: StatusCodes.Status502BadGateway, title: "Runtime unavailable");
            }
        });
        app.MapConnectorEvents();
        return group;
    }

    private static async Task<Ok<List<FlowSummaryResponse>>> ListAsync(ClaimsPrincipal user, FlowService flows, IRuntime runtime, StoreContext store,
        CancellationToken cancellationToken)
    {
        var list = new List<FlowSummaryResponse>();
        foreach (var flow in await flows.ListAsync(user.Identity!.Name!, cancellationToken))
        {
            list.Add(await flow.ToSummaryAsync(flows, runtime, store, cancellationToken));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Created<FlowResponse>, ProblemHttpResult, ValidationProblem>> CreateAsync(CreateFlowRequest body,
        ClaimsPrincipal user, FlowService flows, FlowConnectors connectors, IRuntime runtime, CancellationToken cancellationToken)
    {
        var (outcome, flow, problems) = await flows.CreateAsync(user.Identity!.Name!, body.Name, body.Definition, cancellationToken);
        return outcome switch
        {
            FlowOutcome.Invalid => Invalid(problems!),
            FlowOutcome.Exists => TypedResults.Problem($"You already have a flow named '{body.Name}'.", statusCode: StatusCodes.Status409Conflict,
                title: "Flow exists"),
            _ => TypedResults.Created($"/api/v1/flows/{flow!.Name}", await flow.ToResponseAsync(flows, connectors, runtime, cancellationToken)),
        };
    }

    private static async Task<Results<Ok<ValidFlowResponse>, ValidationProblem>> ValidateAsync(FlowDefinition body, ClaimsPrincipal user,
        FlowValidator validator, UserLimits limits, CancellationToken cancellationToken)
    {
        if (await validator.ValidateAsync(user.Identity!.Name!, body, cancellationToken) is { Count: > 0 } problems)
        {
            return Invalid(problems);
        }
        limits.CheckFlow(body);
        return TypedResults.Ok(new ValidFlowResponse(true, body.Nodes?.Count ?? 0, body.Edges?.Count ?? 0));
    }

    private static async Task<Results<Ok<FlowResponse>, ProblemHttpResult>> GetAsync(string name, ClaimsPrincipal user, FlowService flows,
        FlowConnectors connectors, IRuntime runtime, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await flows.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } flow)
        {
            return NotFound(name);
        }
        response.Headers.ETag = FlowVersion.Of(flow);
        return TypedResults.Ok(await flow.ToResponseAsync(flows, connectors, runtime, cancellationToken));
    }

    /// <summary>With <c>If-Match</c> (the <c>ETag</c> of a GET or of the last PUT), saved only if nobody saved the flow since.</summary>
    private static async Task<Results<Ok<FlowResponse>, ProblemHttpResult, ValidationProblem>> UpdateAsync(string name, FlowDefinition body,
        ClaimsPrincipal user, FlowService flows, FlowConnectors connectors, IRuntime runtime, HttpRequest request, CancellationToken cancellationToken)
    {
        var (outcome, flow, problems) = await flows.UpdateAsync(user.Identity!.Name!, name, body, FlowVersion.Expected(request), cancellationToken);
        if (flow is not null)
        {
            request.HttpContext.Response.Headers.ETag = FlowVersion.Of(flow);
        }
        return outcome switch
        {
            FlowOutcome.Unknown => NotFound(name),
            FlowOutcome.Invalid => Invalid(problems!),
            FlowOutcome.Changed => TypedResults.Problem(
                $"Flow '{name}' was saved at {flow!.UpdatedAt:u} by another editor or client, after the version you changed. Reload it to see that version, then make your change again.",
                statusCode: StatusCodes.Status412PreconditionFailed, title: "The flow changed since you opened it"),
            _ => TypedResults.Ok(await flow!.ToResponseAsync(flows, connectors, runtime, cancellationToken)),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, ClaimsPrincipal user, FlowService flows,
        CancellationToken cancellationToken) =>
        await flows.DeleteAsync(user.Identity!.Name!, name, cancellationToken) ? TypedResults.NoContent() : NotFound(name);

    private static async Task<Results<Accepted<FlowResponse>, ProblemHttpResult>> DeployAsync(string name, ClaimsPrincipal user,
        FlowService flows, FlowConnectors connectors, IRuntime runtime, CancellationToken cancellationToken)
    {
        var (outcome, flow, problems) = await flows.DeployAsync(user.Identity!.Name!, name, cancellationToken);
        return outcome switch
        {
            FlowOutcome.Unknown => NotFound(name),
            // The request is fine; what was saved no longer holds (a function it uses was deleted, say).
            FlowOutcome.Invalid => TypedResults.Problem(new HttpValidationProblemDetails(problems!)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The saved flow cannot be deployed",
                Detail = $"{problems!.Values.Sum(p => p.Length)} problem(s); fix them with PUT /api/v1/flows/{name}, then deploy.",
            }),
            _ => TypedResults.Accepted($"/api/v1/flows/{name}", await flow!.ToResponseAsync(flows, connectors, runtime, cancellationToken)),
        };
    }

    /// <summary>An event sent by hand by the flow's owner, as if its connector had delivered it.</summary>
    private static async Task<Results<Accepted<EventAcceptedResponse>, ProblemHttpResult>> EventAsync(string name, string node,
        ClaimsPrincipal user, FlowService flows, FlowEvents events, HttpRequest request, Microsoft.Extensions.Options.IOptions<FlowOptions> options,
        CancellationToken cancellationToken)
    {
        if (await flows.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } flow)
        {
            return NotFound(name);
        }
        return await FlowEventEndpoints.AcceptAsync(flow, node, request, events, options.Value, cancellationToken);
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> problems) =>
        TypedResults.ValidationProblem(problems, title: "The flow is not valid",
            detail: $"{problems.Values.Sum(p => p.Length)} problem(s); each is listed under where it is.");

    internal static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem($"You have no flow named '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown flow");
}
