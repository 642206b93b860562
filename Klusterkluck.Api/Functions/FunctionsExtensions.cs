namespace Klusterkluck.Api.Functions;

public static class FunctionsExtensions
{
    public static WebApplicationBuilder AddFunctions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<FunctionService>();
        builder.Services.AddSingleton<FunctionLocks>();
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddSingleton<FunctionDeployer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FunctionDeployer>());
        return builder;
    }
}
