using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Worker.Runtime;

/// <summary>The worker's own errors as RFC 7807 problem details; a function's own responses are never rewritten.</summary>
public static class FunctionProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        if (context.Response.HasStarted)
        {
            // Headers went out already: the only honest signal left is a broken response.
            context.Abort();
            return;
        }
        // Headers already set (WWW-Authenticate, Allow) stay; only the body is ours.
        context.Response.StatusCode = status;
        context.Response.ContentLength = null;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The request's time limit ran out before the function answered.</summary>
    public static Task TimedOutAsync(HttpContext context, TimeSpan timeout) =>
        WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The function timed out",
            $"No response within {timeout.TotalSeconds:0.###} s.");

    /// <summary>Kestrel refused the request's body (too large, malformed); its status (413, 400) is kept.</summary>
    public static Task BodyRejectedAsync(HttpContext context, BadHttpRequestException error) =>
        WriteAsync(context, error.StatusCode, "The request body was rejected", error.Message);
}
