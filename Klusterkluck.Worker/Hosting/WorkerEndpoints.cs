using Klusterkluck.Worker.Runtime;

namespace Klusterkluck.Worker.Hosting;

public static class WorkerEndpoints
{
    public const string OwnerPolicy = "FunctionOwner";

    /// <summary>/healthz for readiness, and every other path to the function.</summary>
    public static IEndpointRouteBuilder MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(ServiceDefaultsExtensions.ReadyPath, new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(WorkerExtensions.ReadyTag),
        });

        var function = app.Map("/{**path}", ServeAsync).WithName("Function");
        // A pool worker's function may turn out private: its policy then decides per request.
        if (app.ServiceProvider.GetRequiredService<WorkerOptions>() is { IsPrivate: true } or { IsPool: true })
        {
            function.RequireAuthorization(OwnerPolicy);
        }
        return app;
    }

    private static Task ServeAsync(HttpContext context)
    {
        var runtime = context.RequestServices.GetRequiredService<FunctionLoader>().Runtime;
        return runtime is null
            ? FunctionProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The function is not ready")
            : runtime.HandleAsync(context);
    }
}
