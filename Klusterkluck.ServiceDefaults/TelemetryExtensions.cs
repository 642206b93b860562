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
        // Without an endpoint there is nowhere to send telemetry, and collecting it anyway costs
        // every request an Activity and its instruments (a measurable share of a worker's
        // throughput), so nothing is registered. The exporter reads OTEL_EXPORTER_OTLP_* itself.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // Whoever started the process may name it (Aspire: the resource's name, with an
                // instance id in OTEL_RESOURCE_ATTRIBUTES that its dashboard matches; the Api: a
                // function's id). The SDK reads both from the environment; AddService would
                // override them, instance id included.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(builder.Environment.ApplicationName);
                }
            })
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
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath)
        || path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath)
        || path.StartsWithSegments(ServiceDefaultsExtensions.ReadyPath);
}
