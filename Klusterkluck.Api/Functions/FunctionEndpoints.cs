using System.Security.Claims;
using Klusterkluck.Api.Builds;
using Klusterkluck.Api.Git;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Functions;

/// <summary>/api/v1/functions: every endpoint acts on the caller's own functions only; another user's name is a 404.</summary>
public static class FunctionEndpoints
{
    public static RouteGroupBuilder MapFunctions(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/functions").WithTags("Functions").RequireAuthorization()
            .AddEndpointFilter(Callers.RequireTenantName).WithLimits();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).WithMetadata(new RequestSizeLimitAttribute(32 * 1024));
        group.MapGet("/{name}", GetAsync);
        group.MapDelete("/{name}", DeleteAsync);
        group.MapPatch("/{name}", UpdateAsync).WithMetadata(new RequestSizeLimitAttribute(32 * 1024));
        group.MapGet("/{name}/versions", VersionsAsync);
        group.MapPut("/{name}/versions/{sha}", DeployAsync);
        group.MapPost("/{name}/invoke", InvokeAsync).WithMetadata(new RequestSizeLimitAttribute(FunctionInvoker.MaxBodyBytes));
        group.MapGet("/{name}/logs", LogsAsync);
        group.MapFiles();
        group.MapBuilds(app);
        return group;
    }

    private static async Task<Ok<List<FunctionResponse>>> ListAsync(ClaimsPrincipal user, FunctionService functions, IRuntime runtime,
        HttpRequest request, CancellationToken cancellationToken)
    {
        var stored = await functions.ListAsync(user.Identity!.Name!, cancellationToken);
        return TypedResults.Ok((await Task.WhenAll(stored.Select(f => f.ToResponseAsync(runtime, request)))).ToList());
    }

    /// <param name="wait">true: answer once the first deploy is over (ready or failed), not as soon as it starts.</param>
    private static async Task<Results<Created<FunctionResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateFunctionRequest body,
        ClaimsPrincipal user, FunctionService functions, IRuntime runtime, HttpRequest request, CancellationToken cancellationToken,
        bool wait = false)
    {
        Deploying? deploying;
        try
        {
            deploying = await functions.CreateAsync(user.Identity!.Name!, body, cancellationToken);
        }
        catch (SettingsException e)
        {
            return Refused(e);
        }
        if (deploying is null)
        {
            return TypedResults.Problem($"You already have a function named '{body.Name}'.", statusCode: StatusCodes.Status409Conflict,
                title: "Function exists");
        }
        var function = wait ? await functions.WaitAsync(deploying, cancellationToken) : deploying.Function;
        return TypedResults.Created($"/api/v1/functions/{function.Name}", await function.ToResponseAsync(runtime, request));
    }

    private static async Task<Results<Ok<FunctionResponse>, ProblemHttpResult>> GetAsync(string name, ClaimsPrincipal user,
        FunctionService functions, IRuntime runtime, HttpRequest request, CancellationToken cancellationToken) =>
        await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is { } function
            ? TypedResults.Ok(await function.ToResponseAsync(runtime, request))
            : NotFound(name);

    /// <param name="wait">true: answer once the settings are in force (the redeploy is ready or failed).</param>
    private static async Task<Results<Ok<FunctionResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string name, UpdateFunctionRequest body,
        ClaimsPrincipal user, FunctionService functions, IRuntime runtime, HttpRequest request, CancellationToken cancellationToken, bool wait = false)
    {
        Deploying? deploying;
        try
        {
            deploying = await functions.UpdateAsync(user.Identity!.Name!, name, body, cancellationToken);
        }
        catch (SettingsException e)
        {
            return Refused(e);
        }
        if (deploying is null)
        {
            return NotFound(name);
        }
        var function = wait ? await functions.WaitAsync(deploying, cancellationToken) : deploying.Function;
        return TypedResults.Ok(await function.ToResponseAsync(runtime, request));
    }

    private static ValidationProblem Refused(SettingsException e) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Message] });

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, ClaimsPrincipal user,
        FunctionService functions, CancellationToken cancellationToken) =>
        await functions.DeleteAsync(user.Identity!.Name!, name, cancellationToken) ? TypedResults.NoContent() : NotFound(name);

    private static async Task<Results<Ok<List<VersionResponse>>, ProblemHttpResult>> VersionsAsync(string name, ClaimsPrincipal user,
        FunctionService functions, Repositories repositories, CancellationToken cancellationToken, int? limit = null)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.Problem("limit must be between 1 and 1000.", statusCode: StatusCodes.Status400BadRequest, title: "Bad limit");
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return NotFound(name);
        }
        using var repository = repositories.Open(function.Owner, function.Name);
        return TypedResults.Ok(History.Versions(repository, limit ?? 100)
            .Select(v => new VersionResponse(v.Sha, v.Message, v.Author, v.AuthorEmail, v.Time, v.Sha == function.DeployedCommit))
            .ToList());
    }

    /// <param name="wait">true: answer 200 once the deploy is over (ready or failed) instead of 202 as it starts.</param>
    private static async Task<Results<Accepted<FunctionResponse>, Ok<FunctionResponse>, ProblemHttpResult>> DeployAsync(string name, string sha,
        ClaimsPrincipal user, FunctionService functions, IRuntime runtime, HttpRequest request, CancellationToken cancellationToken,
        bool wait = false)
    {
        if (!Shas.IsValid(sha))
        {
            return BadVersion();
        }
        var (outcome, deploying) = await functions.DeployAsync(user.Identity!.Name!, name, sha.ToLowerInvariant(), cancellationToken);
        switch (outcome)
        {
            case DeployOutcome.UnknownFunction:
                return NotFound(name);
            case DeployOutcome.UnknownCommit:
                return UnknownVersion(name, sha);
            case DeployOutcome.InvalidConfig:
                return TypedResults.Problem(deploying!.Function.Error, statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "The commit cannot be deployed");
        }
        if (wait)
        {
            return TypedResults.Ok(await (await functions.WaitAsync(deploying!, cancellationToken)).ToResponseAsync(runtime, request));
        }
        return TypedResults.Accepted($"/api/v1/functions/{name}", await deploying!.Function.ToResponseAsync(runtime, request));
    }

    /// <param name="method">The method the function sees (default POST; GET and HEAD send no body).</param>
    /// <param name="path">The path (and query) the function sees, from its root (default /).</param>
    /// <remarks>Headers sent as <c>Kk-Header-{name}</c> reach the function as <c>{name}</c>.</remarks>
    private static async Task<Results<Ok<InvokeResponse>, ValidationProblem, ProblemHttpResult>> InvokeAsync(string name, ClaimsPrincipal user,
        FunctionService functions, FunctionInvoker invoker, FunctionThrottles throttles, Usage.UsageMeter usage, HttpRequest request,
        CancellationToken cancellationToken, string? method = null, string? path = null)
    {
        if (InvokeTarget.Problems(method, path, request) is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(problems);
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return NotFound(name);
        }
        var id = new FunctionId(function.Owner, function.Name);
        // The function's throttle holds here as at the gateway: this is another door to it.
        if (!throttles.TryEnter(id, out var ticket, out var refusal))
        {
            return ThrottleProblems.Refused(request.HttpContext, id, throttles, usage, refusal);
        }
        using var _ = ticket;
        try
        {
            var target = new InvokeTarget(method?.ToUpperInvariant() ?? "POST", path ?? "/");
            string? failure = null;
            return await invoker.InvokeAsync(id, target, request, cancellationToken, reason => failure = reason)
                is { } answer
                ? TypedResults.Ok(answer)
                : NotServing(function, failure);
        }
        catch (HttpRequestException e)
        {
            return TypedResults.Problem($"The function's worker did not answer: {e.Message}", statusCode: StatusCodes.Status502BadGateway,
                title: "Function unreachable");
        }
    }

    private static async Task<Results<Ok<LogsResponse>, ProblemHttpResult>> LogsAsync(string name, ClaimsPrincipal user,
        FunctionService functions, IRuntime runtime, CancellationToken cancellationToken, int? lines = null)
    {
        if (LogLines.Refusal(lines) is { } refusal)
        {
            return refusal;
        }
        if (await functions.FindAsync(user.Identity!.Name!, name, cancellationToken) is not { } function)
        {
            return NotFound(name);
        }
        var logs = await runtime.LogsAsync(new FunctionId(function.Owner, function.Name), lines ?? LogLines.Default, cancellationToken);
        return TypedResults.Ok(new LogsResponse(logs));
    }

    internal static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem($"You have no function named '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown function");

    /// <summary>A version in the path that is no commit sha at all.</summary>
    internal static ProblemHttpResult BadVersion() =>
        TypedResults.Problem("A version is a commit sha: 4 to 40 hexadecimal digits.", statusCode: StatusCodes.Status400BadRequest, title: "Bad version");

    internal static ProblemHttpResult UnknownVersion(string name, string sha) =>
        TypedResults.Problem($"'{sha}' is not a commit of {name}'s history.", statusCode: StatusCodes.Status404NotFound, title: "Unknown version");

    /// <param name="coldStartFailure">Why a replica could not start for a function at zero, when that is why.</param>
    internal static ProblemHttpResult NotServing(Function function, string? coldStartFailure = null) =>
        TypedResults.Problem(
            coldStartFailure is not null ? $"It could not start: {coldStartFailure}"
            : function.Status == DeployStatus.Failed && function.DeployedCommit is null
                ? $"Its deploy failed: {function.Error}"
                : "No replica is ready yet; try again in a moment.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Function not serving");
}
