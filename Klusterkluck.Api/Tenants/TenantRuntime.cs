using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Tenants;

/// <summary>What a new user needs from the runtime before their first function (a namespace, in Kubernetes).</summary>
public sealed partial class TenantRuntime(IRuntime runtime, ILogger<TenantRuntime> logger)
{
    /// <summary>
    /// Prepares the runtime for the user. A failure is logged, not fatal to the registration:
    /// every deploy prepares the tenant again before it creates anything.
    /// </summary>
    public async Task PrepareAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.PrepareTenantAsync(name, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPrepareFailed(logger, name, Runtime.Kubernetes.KubernetesApi.Describe(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runtime could not be prepared for user {User} yet: {Reason}")]
    private static partial void LogPrepareFailed(ILogger logger, string user, string reason);
}
