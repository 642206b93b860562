using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Throttling;

/// <summary>The 429 a throttled request gets, at either door (gateway, invoke endpoint): its Retry-After and a problem that says which limit it met.</summary>
public static class ThrottleProblems
{
    public const string Title = "Too many requests";

    /// <summary>Counts the refusal in usage, sets Retry-After, and gives the problem to answer with.</summary>
    public static ProblemHttpResult Refused(HttpContext context, Runtime.FunctionId id, FunctionThrottles throttles, Usage.UsageMeter usage,
        Refusal refusal)
    {
        usage.Throttled(id);
        context.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(Detail(id, throttles.SettingsOf(id), refusal), statusCode: StatusCodes.Status429TooManyRequests, title: Title);
    }

    private static string Detail(Runtime.FunctionId id, ThrottleSettings? settings, Refusal refusal) => refusal.OverRate
        ? $"{id} takes at most {settings?.RateLimit} requests per {Window(settings)}; try again in {refusal.RetryAfterSeconds} s."
        : $"{id} takes at most {settings?.MaxInFlight} requests at once; try again when one has finished.";

    private static string Window(ThrottleSettings? settings) =>
        settings?.Window.TotalSeconds is 1 or null ? "second" : $"{settings.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}
