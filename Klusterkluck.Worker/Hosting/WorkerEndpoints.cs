using Klusterkluck.Worker.Runtime;

namespace Klusterkluck.Worker.Hosting;

public static class WorkerEndpoints
{
    public const string ReadyPath = "/healthz";
    public const string OwnerPolicy = "FunctionOwner";

    /// <summary>/healthz for readiness, and every other path to the function.</summary>
    public static IEndpointRouteBuilder MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ReadyPath, (FunctionLoader loader) => loader.IsReady
            ? Results.Text("ready")
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The function is not ready"));

        var function = app.Map("/{**path}", ServeAsync).WithName("Function");
        var options = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value;
        if (!string.IsNullOrEmpty(options.AuthAuthority))
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
