using Klusterkluck.Api.Runtime.Local;

namespace Klusterkluck.Api.Runtime;

public static class RuntimeExtensions
{
    /// <summary>The local runtime (worker processes on this machine), the embedded default.</summary>
    public static WebApplicationBuilder AddRuntime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalRuntimeOptions>().BindConfiguration(LocalRuntimeOptions.Section).ValidateDataAnnotations()
            .Validate(o => File.Exists(o.ResolvedWorkerAssembly), "Runtime:Local:WorkerAssembly: the worker's assembly was not found")
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerSockets>();
        builder.Services.AddSingleton<FunctionHttp>();
        builder.Services.AddSingleton<WorkerLauncher>();
        builder.Services.AddSingleton<LocalRuntime>();
        builder.Services.AddSingleton<IRuntime>(services => services.GetRequiredService<LocalRuntime>());
        // Registered before the deployer, so it stops after it: deploys are cancelled, then workers stopped.
        builder.Services.AddHostedService(services => services.GetRequiredService<LocalRuntime>());
        return builder;
    }
}
