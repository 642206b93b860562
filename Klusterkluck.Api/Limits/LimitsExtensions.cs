namespace Klusterkluck.Api.Limits;

public static class LimitsExtensions
{
    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OwnerLocks>();
        builder.Services.AddSingleton<FlowLimits>();
        builder.Services.AddSingleton<UserLimits>();
        return builder;
    }

    /// <summary>
    /// 413 naming <c>Limits:MaxRequestBytes</c>, for a function's body that says its length
    /// (<paramref name="length"/>) or was cut while it streamed: the gateway's answers.
    /// </summary>
    public static ValueTask BodyTooLargeAsync(HttpContext context, long max, long? length)
    {
        // The client may still be sending: closing after the answer spares reading what is refused.
        context.Response.Headers.Connection = "close";
        var key = LimitsOptions.Key(nameof(LimitsOptions.MaxRequestBytes));
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = $"A function's request body may have at most {max} bytes; this one has {(length is { } known ? known : "more")} ({key}).",
                Extensions = { ["limit"] = key },
            },
        });
    }

    /// <summary>Answers a <see cref="LimitReachedException"/> thrown by the group's handlers as a 422 problem naming the limit.</summary>
    public static RouteGroupBuilder WithLimits(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (LimitReachedException e)
            {
                return LimitProblems.Reached(e.Violations);
            }
        });
}
