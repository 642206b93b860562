using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Worker.Hosting;

public static class WorkerExtensions
{
    public static WebApplicationBuilder AddWorker(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<FunctionLoader>();
        builder.Services.AddHealthChecks().AddCheck<FunctionReadyCheck>("function");

        // One line per log entry: the local runtime and kubectl logs read these line by line.
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });

        var maxBody = builder.Configuration.GetValue("KK_MAX_REQUEST_BYTES", 256L * 1024 * 1024);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = maxBody;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }

    /// <summary>
    /// Listens first (so /healthz can say "not ready"), then loads the function. A load that
    /// fails prints one line and ends the process with exit code 1.
    /// </summary>
    public static async Task<int> RunWorkerAsync(this WebApplication app)
    {
        await using var loader = app.Services.GetRequiredService<FunctionLoader>();
        await app.StartAsync();
        try
        {
            await loader.LoadAsync(app.Lifetime.ApplicationStopping);
        }
        catch (WorkerStartupException ex)
        {
            await Console.Error.WriteLineAsync($"klusterkluck-worker: {ex.Message}");
            await app.StopAsync();
            return 1;
        }
        catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return 0;
        }
        await app.WaitForShutdownAsync();
        return 0;
    }

    private sealed class FunctionReadyCheck(FunctionLoader loader) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(loader.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the function is not ready"));
    }
}
