namespace Klusterkluck.Api.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<GatewayMetrics>();
        return builder;
    }

    /// <summary>Put it after the exception handler and before authentication: the workers check tokens, the gateway only forwards.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseMiddleware<GatewayMiddleware>();
        // Routing after the gateway: function requests never pay for matching the Api's endpoints.
        app.UseRouting();
        return app;
    }
}
