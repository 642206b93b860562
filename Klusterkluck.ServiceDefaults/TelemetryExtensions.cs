using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class TelemetryExtensions
{
    /// <summary>Activity sources and meters of Klusterkluck's own code start with this prefix.</summary>
    public const string SourcePrefix = "Klusterkluck";

    public static TBuilder AddTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter($"{SourcePrefix}.*"))
            .WithTracing(tracing => tracing
                .AddSource($"{SourcePrefix}.*")
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Probes are polled every few seconds; tracing them would drown real requests.
                    aspnet.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT/PROTOCOL/HEADERS itself; without an
        // endpoint there is nowhere to send, so nothing is exported.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath)
        || path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath)
        || path.StartsWithSegments("/healthz");
}
