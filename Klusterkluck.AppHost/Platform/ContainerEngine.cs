using Aspire.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace Klusterkluck.AppHost.Platform;

/// <summary>Runs the app, unless it has containers to run and no container engine can run them.</summary>
internal static class ContainerEngine
{
    /// <summary>
    /// Without this, containers without an engine fail one by one (RuntimeUnhealthy) and whatever
    /// waits for them (the Api, for the full stack) waits forever. So before anything starts, a run
    /// that holds containers asks the engine Aspire would use whether it is running, and if not ends
    /// with exit code 1 and one line saying so.
    /// </summary>
    public static async Task<int> RunOrExplainAsync(this IDistributedApplicationBuilder builder)
    {
        using var app = builder.Build();
        var containers = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ContainerResource>().Select(r => r.Name).ToList();
        if (builder.ExecutionContext.IsRunMode && containers.Count > 0
            && await NotRunningAsync(app.Services, string.Join(", ", containers)) is { } problem)
        {
            await Console.Error.WriteLineAsync($"klusterkluck-apphost: {problem}");
            return 1;
        }
        await app.RunAsync();
        return 0;
    }

    /// <summary>Why the containers <paramref name="names"/> cannot start here, or null when the engine answers.</summary>
    private static async Task<string?> NotRunningAsync(IServiceProvider services, string names)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var runtime = await services.GetRequiredService<IContainerRuntimeResolver>().ResolveAsync(timeout.Token);
            return await runtime.CheckIfRunningAsync(timeout.Token)
                ? null
                : $"--{FullStack.Switch} needs a container engine for {names}, and {runtime.Name} is not running here; start it, or run without --{FullStack.Switch}.";
        }
        catch (Exception e) when (e is InvalidOperationException or DistributedApplicationException or OperationCanceledException
            or System.ComponentModel.Win32Exception)
        {
            return $"--{FullStack.Switch} needs a container engine (docker or podman) for {names}, and none was found: {e.Message.ReplaceLineEndings(" ")}";
        }
    }
}
