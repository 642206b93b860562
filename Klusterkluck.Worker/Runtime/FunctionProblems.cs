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
}
