using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Limits;

/// <summary>
/// One shape for every count or rate crossed: 422 "Limit reached", the detail naming the setting,
/// and the setting's key as the problem's <c>limit</c>, so a client can tell which. (Sizes are
/// 413, from the gateway that sees the body: <see cref="LimitsExtensions.BodyTooLargeAsync"/>.)
/// </summary>
public static class LimitProblems
{
    public const string Title = "Limit reached";

    /// <summary>The problem for <paramref name="violations"/>: those with a place (a flow's node) are listed under it, as validation errors are.</summary>
    public static ProblemHttpResult Reached(LimitViolations violations)
    {
        var errors = violations.Errors.Where(e => e.Key.Length > 0).ToDictionary();
        ProblemDetails problem = errors.Count > 0 ? new HttpValidationProblemDetails(errors) : new ProblemDetails();
        problem.Status = StatusCodes.Status422UnprocessableEntity;
        problem.Title = Title;
        problem.Detail = $"{string.Join(" ", violations.Details)} ({string.Join(", ", violations.Keys)})";
        problem.Extensions["limit"] = violations.Keys.First();
        return TypedResults.Problem(problem);
    }
}
