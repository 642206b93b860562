namespace Klusterkluck.Api.Limits;

/// <summary>
/// A request would cross a limit; thrown before anything is created or changed, and answered by
/// <see cref="LimitsExtensions.WithLimits"/> as a problem, so the services need no extra outcome per limit.
/// </summary>
public sealed class LimitReachedException(LimitViolations violations) : Exception(string.Join(" ", violations.Details))
{
    public LimitViolations Violations { get; } = violations;

    public static LimitReachedException Of(string property, string detail)
    {
        var violations = new LimitViolations();
        violations.Add("", property, detail);
        return new LimitReachedException(violations);
    }
}
