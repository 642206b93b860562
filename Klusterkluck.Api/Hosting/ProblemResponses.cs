namespace Klusterkluck.Api.Hosting;

/// <summary>Problem details written straight to a response, for code outside endpoint handlers (middleware, auth events, CGI).</summary>
public static class ProblemResponses
{
    public static async Task WriteProblemAsync(this HttpContext context, int status, string title, string? detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
