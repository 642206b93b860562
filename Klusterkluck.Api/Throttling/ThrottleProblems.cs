using System.Globalization;

namespace Klusterkluck.Api.Throttling;

/// <summary>The 429 a throttled request gets: its Retry-After and a problem that says which limit it met.</summary>
public static class ThrottleProblems
{
    public const string Title = "Too many requests";

    public static string Detail(Runtime.FunctionId id, ThrottleSettings? settings, Refusal refusal) => refusal.OverRate
        ? $"{id} takes at most {settings?.RateLimit} requests per {Window(settings)}; try again in {refusal.RetryAfterSeconds} s."
        : $"{id} takes at most {settings?.MaxInFlight} requests at once; try again when one has finished.";

    internal static Task WriteAsync(HttpContext context, Runtime.FunctionId id, FunctionThrottles throttles, Refusal refusal)
    {
        context.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return context.WriteProblemAsync(StatusCodes.Status429TooManyRequests, Title, Detail(id, throttles.SettingsOf(id), refusal));
    }

    private static string Window(ThrottleSettings? settings) =>
        settings?.Window.TotalSeconds is 1 or null ? "second" : $"{settings.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}
