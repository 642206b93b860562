namespace Klusterkluck.Api.Throttling;

public static class ThrottlingExtensions
{
    public static WebApplicationBuilder AddThrottling(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FunctionThrottles>();
        builder.Services.AddHostedService<ThrottleLoader>();
        return builder;
    }
}
