namespace Klusterkluck.Api.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpForwarder();
        return builder;
    }

    /// <summary>Put it before authentication: the workers check tokens, the gateway only forwards.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseMiddleware<GatewayMiddleware>();
        return app;
    }
}
