using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// A flow's runs and their steps. Every answer is bounded whatever a run holds: a run's steps come
/// a page at a time without their payloads (a step may carry two of Flows:MaxPayloadBytes), and
/// one step's payloads are read 64 KiB at a time from the store, never whole.
/// </summary>
public static class FlowRunEndpoints
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapFlowRuns(this RouteGroupBuilder group)
    {
        group.MapGet("/{name}/runs", RunsAsync);
        group.MapGet("/{name}/runs/{id:guid}", RunAsync);
        group.MapGet("/{name}/runs/{id:guid}/steps/{stepId:guid}", StepAsync);
        return group;
    }

    /// <param name="limit">Runs to list, newest first: 1 to 1000 (default 100).</param>
    /// <param name="status">Only runs in this state: running, succeeded or failed.</param>
    private static async Task<Results<Ok<List<RunSummaryResponse>>, ValidationProblem, ProblemHttpResult>> RunsAsync(string name,
        ClaimsPrincipal user, FlowService flows, StoreContext store, CancellationToken cancellationToken, int? limit = null, string? status = null)
    {
        if (BadLimit(limit) is { } badLimit)
        {
            return badLimit;
        }
        RunStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status is running, succeeded or failed."] });
            }
            wanted = parsed;
        }
        if (await flows.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } flow)
        {
            return FlowEndpoints.NotFound(name);
        }
        var runs = store.FlowRuns.AsNoTracking().Where(r => r.Owner == flow.Owner && r.FlowName == flow.Name);
        if (wanted is { } only)
        {
            runs = runs.Where(r => r.Status == only);
        }
        var page = await runs.OrderByDescending(r => r.AcceptedAt).Take(limit ?? DefaultLimit).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.Select(r => r.ToSummary()).ToList());
    }

    /// <param name="limit">Steps in this page, oldest first: 1 to 1000 (default 100).</param>
    /// <param name="after">The previous page's <c>next</c>: this page starts after that step.</param>
    private static async Task<Results<Ok<RunResponse>, ValidationProblem, ProblemHttpResult>> RunAsync(string name, Guid id, ClaimsPrincipal user,
        StoreContext store, CancellationToken cancellationToken, int? limit = null, Guid? after = null)
    {
        if (BadLimit(limit) is { } badLimit)
        {
            return badLimit;
        }
        if (await FindRunAsync(store, user, name, id, cancellationToken) is not { } run)
        {
            return UnknownRun(name, id);
        }
        var steps = store.FlowSteps.AsNoTracking().Where(s => s.RunId == id);
        if (after is { } cursor)
        {
            if (await steps.Where(s => s.Id == cursor).Select(s => new { s.CreatedAt, s.Key }).SingleOrDefaultAsync(cancellationToken)
                is not { } from)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = [$"{cursor} is not a step of run {id}."] });
            }
            // Creation order, ties broken by the step's key (unique in its run): a stable order for
            // a cursor, where a step's id (random) would not be.
            steps = steps.Where(s => s.CreatedAt > from.CreatedAt || (s.CreatedAt == from.CreatedAt && string.Compare(s.Key, from.Key) > 0));
        }
        var take = limit ?? DefaultLimit;
        // One more than the page: whether there is a next page, without counting.
        var page = await steps.OrderBy(s => s.CreatedAt).ThenBy(s => s.Key).Take(take + 1).Select(StepRow.Projection).ToListAsync(cancellationToken);
        var next = page.Count > take ? page[take - 1].Id.ToString() : null;
        return TypedResults.Ok(run.ToResponse(page.Take(take).Select(s => s.ToSummary()).ToList(), next));
    }

    private static async Task<Results<Ok<StepResponse>, ProblemHttpResult>> StepAsync(string name, Guid id, Guid stepId, ClaimsPrincipal user,
        StoreContext store, CancellationToken cancellationToken)
    {
        if (await FindRunAsync(store, user, name, id, cancellationToken) is null)
        {
            return UnknownRun(name, id);
        }
        if (await store.FlowSteps.AsNoTracking().Where(s => s.Id == stepId && s.RunId == id).Select(StepRow.Projection)
            .SingleOrDefaultAsync(cancellationToken) is not { } step)
        {
            return TypedResults.Problem($"Run {id} has no step {stepId}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown step");
        }
        // One byte more than is shown tells a cut payload from one that fits. substr() is the same
        // in SQLite and PostgreSQL, and EF translates no slice of a byte[] on PostgreSQL.
        var heads = await store.Database.SqlQuery<PayloadHeads>(
                $"""SELECT substr("Input", 1, {FlowViews.ShownBytes + 1}) AS "Input", substr("Output", 1, {FlowViews.ShownBytes + 1}) AS "Output" FROM "FlowSteps" WHERE "Id" = {stepId}""")
            .SingleAsync(cancellationToken);
        return TypedResults.Ok(step.ToResponse(heads));
    }

    private static Task<FlowRun?> FindRunAsync(StoreContext store, ClaimsPrincipal user, string name, Guid id, CancellationToken cancellationToken)
    {
        var owner = user.Identity!.Name!;
        return store.FlowRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.Owner == owner && r.FlowName == name, cancellationToken);
    }

    private static ValidationProblem? BadLimit(int? limit) => limit is < 1 or > MaxLimit
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit is between 1 and {MaxLimit}."] })
        : null;

    private static ProblemHttpResult UnknownRun(string name, Guid id) =>
        TypedResults.Problem($"Flow '{name}' has no run {id}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown run");
}

/// <summary>A step as its reads project it: sizes of its payloads, not the payloads.</summary>
internal sealed record StepRow(Guid Id, string NodeId, StepStatus Status, int Attempts, bool? Branch, string? Error, DateTime CreatedAt,
    DateTime? StartedAt, DateTime? FinishedAt, int? InputBytes, string? InputType, int? OutputBytes, string? OutputType)
{
    /// <summary>Only the columns shown: a payload's size is length() in the store, the blob is never read.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<FlowStep, StepRow>> Projection = s => new StepRow(s.Id, s.NodeId, s.Status,
        s.Attempts, s.Branch, s.Error, s.CreatedAt, s.StartedAt, s.FinishedAt, s.Input == null ? null : s.Input.Length, s.InputType,
        s.Output == null ? null : s.Output.Length, s.OutputType);
}

/// <summary>The first bytes of a step's payloads, as much as a view shows and one more.</summary>
internal sealed record PayloadHeads(byte[]? Input, byte[]? Output);
