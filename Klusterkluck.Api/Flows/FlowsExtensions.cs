namespace Klusterkluck.Api.Flows;

public static class FlowsExtensions
{
    public static WebApplicationBuilder AddFlows(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FlowOptions>().BindConfiguration(FlowOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<FlowService>();
        builder.Services.AddScoped<FlowValidator>();
        builder.Services.AddScoped<FlowEvents>();
        builder.Services.AddScoped<StepRecorder>();
        builder.Services.AddSingleton<FlowConnectors>();
        builder.Services.AddSingleton<FlowLocks>();
        builder.Services.AddSingleton<FlowTransactions>();
        builder.Services.AddSingleton<StepClaims>();
        builder.Services.AddSingleton<DeploymentCache>();
        builder.Services.AddSingleton<EngineSignal>();
        builder.Services.AddSingleton<StepInvoker>();
        builder.Services.AddHostedService<FlowRestorer>();
        builder.Services.AddHostedService<FlowEngine>();
        return builder;
    }
}
