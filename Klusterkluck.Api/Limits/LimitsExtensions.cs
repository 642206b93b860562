using Microsoft.Extensions.Options;

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

    /// <summary>A function body over <c>Limits:MaxRequestBytes</c> that says its length is refused here, before a worker is bothered; a chunked one is cut by the worker.</summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var max = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBytes;
            if (context.Request.ContentLength > max && context.Request.Path.StartsWithSegments(GatewayMiddleware.Prefix))
            {
                await BodyTooLargeAsync(context, max, context.Request.ContentLength);
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>413 naming <c>Limits:MaxRequestBytes</c>, for a body that says its length (<paramref name="length"/>) or was cut while it streamed.</summary>
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
