using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Klusterkluck.Api.Usage;

public static class UsageExtensions
{
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UsageMeter>();
        builder.Services.AddHostedService<UsageFlusher>();
        return builder;
    }
}
