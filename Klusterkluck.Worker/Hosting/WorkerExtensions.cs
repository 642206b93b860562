using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Klusterkluck.Worker.Hosting;

public static class WorkerExtensions
{
    /// <summary>Health checks with this tag decide /healthz: is the function ready to serve?</summary>
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddWorker(this WebApplicationBuilder builder)
    {
        var options = WorkerOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<FunctionLoader>();
        builder.Services.AddHealthChecks().AddCheck<FunctionReadyCheck>("function", tags: [ReadyTag]);

        // One line per log entry: the local runtime and kubectl logs read these line by line.
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }

    /// <summary>Strips <c>KK_PATH_BASE</c> from the paths under it (see <see cref="WorkerOptions.PathBase"/>).</summary>
    public static WebApplication UseWorkerPathBase(this WebApplication app)
    {
        if (app.Services.GetRequiredService<WorkerOptions>().PathBase is { Length: > 1 } pathBase && pathBase.StartsWith('/'))
        {
            app.UsePathBase(pathBase.TrimEnd('/'));
        }
        return app;
    }

    /// <summary>
    /// Listens first (so /healthz can say "not ready"), then loads the function: from its
    /// environment, or, a pool worker, once it is handed one (PoolEndpoint). A load that fails
    /// prints one line and ends the process with exit code 1.
    /// </summary>
    public static async Task<int> RunWorkerAsync(this WebApplication app)
    {
        await using var loader = app.Services.GetRequiredService<FunctionLoader>();
        if (app.Services.GetRequiredService<WorkerOptions>().ExitWithStdin)
        {
            ParentWatch.StopWhenStdinEnds(app.Lifetime);
        }
        await app.StartAsync();
        // Where it listens, for whoever started it: with port 0 in ASPNETCORE_URLS the kernel picks
        // a free port, and the local runtime learns it from this line (no port chosen ahead and raced for).
        foreach (var address in app.Urls)
        {
            Console.WriteLine($"{Klusterkluck.Functions.WorkerLines.Listening}{address}");
        }
        try
        {
            if (app.Services.GetRequiredService<WorkerOptions>().IsPool)
            {
                await loader.PrewarmAsync(app.Lifetime.ApplicationStopping);
                var ownAddress = app.Urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal) && !u.StartsWith("http://unix:", StringComparison.Ordinal));
                await PoolWarmUp.RunAsync(app.Services, ownAddress, app.Lifetime.ApplicationStopping);
                Console.WriteLine(Klusterkluck.Functions.WorkerLines.Pooled);
                await loader.Specialized.WaitAsync(app.Lifetime.ApplicationStopping);
            }
            else
            {
                await loader.LoadAsync(app.Lifetime.ApplicationStopping);
            }
        }
        catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"{Klusterkluck.Functions.WorkerLines.Prefix}{Reason(ex)}");
            await app.StopAsync();
            return 1;
        }
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Whatever stopped the load, the operator gets one line, not a stack trace.</summary>
    public static string Reason(Exception ex) =>
        ex is WorkerStartupException ? ex.Message : $"cannot start: {Klusterkluck.Functions.OneLine.Of(ex.Message)}";

    private sealed class FunctionReadyCheck(FunctionLoader loader) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(loader.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the function is not ready"));
    }
}
