using k8s;
using Klusterkluck.Api.Runtime.Kubernetes;
using Klusterkluck.Api.Runtime.Local;

namespace Klusterkluck.Api.Runtime;

public enum RuntimeProvider
{
    Local,
    Kubernetes,
}

public static class RuntimeExtensions
{
    public const string ProviderKey = "Runtime:Provider";

    /// <summary>
    /// <c>Runtime:Provider</c>: Local (worker processes on this machine, the embedded default) or
    /// Kubernetes (Deployments in the cluster the standard client configuration points at).
    /// </summary>
    public static WebApplicationBuilder AddRuntime(this WebApplicationBuilder builder)
    {
        var provider = builder.Configuration[ProviderKey] is { Length: > 0 } configured
            ? Enum.TryParse<RuntimeProvider>(configured, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new InvalidOperationException($"{ProviderKey} must be Local or Kubernetes, not '{configured}'.")
            : RuntimeProvider.Local;
        // Local workers listen on Unix sockets too; FunctionHttp connects to those and to anything else over TCP.
        builder.Services.AddSingleton<WorkerSockets>();
        builder.Services.AddSingleton<FunctionHttp>();
        builder.Services.AddSingleton<ScaleMetrics>();
        builder.Services.AddOptions<Scaling.ScalingOptions>().BindConfiguration(Scaling.ScalingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return provider == RuntimeProvider.Kubernetes ? builder.AddKubernetesRuntime() : builder.AddLocalRuntime();
    }

    private static WebApplicationBuilder AddLocalRuntime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalRuntimeOptions>().BindConfiguration(LocalRuntimeOptions.Section).ValidateDataAnnotations()
            .Validate(o => File.Exists(o.ResolvedWorkerAssembly), "Runtime:Local:WorkerAssembly: the worker's assembly was not found")
            .ValidateOnStart();
        builder.Services.AddOptions<Local.Sandbox.SandboxOptions>().BindConfiguration(Local.Sandbox.SandboxOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Local.Sandbox.FunctionSandbox>();
        builder.Services.AddSingleton<WorkerProgram>();
        builder.Services.AddSingleton<WorkerLauncher>();
        builder.Services.AddSingleton<Local.Pool.WarmPool>();
        builder.Services.AddSingleton<Builds.IBuilder, LocalBuilder>();
        builder.Services.AddSingleton<LocalRuntime>();
        builder.Services.AddSingleton<IRuntime>(services => services.GetRequiredService<LocalRuntime>());
        // Registered before the deployer, so it stops after it: deploys are cancelled, then workers stopped.
        builder.Services.AddHostedService(services => services.GetRequiredService<LocalRuntime>());
        return builder;
    }

    private static WebApplicationBuilder AddKubernetesRuntime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KubernetesRuntimeOptions>().BindConfiguration(KubernetesRuntimeOptions.Section).ValidateDataAnnotations()
            .ValidateOnStart();
        // KUBECONFIG, ~/.kube/config, or the pod's service account when the Api runs in the cluster.
        builder.Services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
        builder.Services.AddSingleton<KubernetesApi>();
        builder.Services.AddSingleton<KubernetesRuntime>();
        builder.Services.AddSingleton<IRuntime>(services => services.GetRequiredService<KubernetesRuntime>());
        builder.Services.AddSingleton<Builds.IBuilder, KubernetesBuilder>();
        return builder;
    }
}
