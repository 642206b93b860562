using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Limits;

/// <summary>
/// One shape for every limit crossed: 422 "Limit reached" (413 for a size), the detail naming
/// the setting, and the setting's key as the problem's <c>limit</c>, so a client can tell which.
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

/// <summary>Where a definition crosses limits, and which.</summary>
public sealed class LimitViolations
{
    private readonly Dictionary<string, List<string>> _errors = [];
    private readonly List<string> _details = [];
    private readonly List<string> _keys = [];

    public bool Any => _keys.Count > 0;

    public IEnumerable<string> Details => _details;

    public IEnumerable<string> Keys => _keys;

    public Dictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string at, string property, string detail)
    {
        if (!_errors.TryGetValue(at, out var list))
        {
            _errors[at] = list = [];
        }
        list.Add($"{detail} ({LimitsOptions.Key(property)})");
        if (!_keys.Contains(LimitsOptions.Key(property)))
        {
            _keys.Add(LimitsOptions.Key(property));
            _details.Add(detail);
        }
    }
}
