namespace Klusterkluck.Api.Runtime;

/// <summary>Routing for callers that act as the function's owner (invoke, flow steps): a function at zero is woken first.</summary>
public static class Waking
{
    /// <summary>A lease as <see cref="IRuntime.Route"/> gives it, after waking the function if it slept; or why it could not start.</summary>
    public static async Task<(RouteLease Lease, string? Failure)> RouteAwakeAsync(this IRuntime runtime, FunctionId id, CancellationToken cancellationToken)
    {
        var lease = runtime.Route(id);
        if (!lease.Asleep)
        {
            return (lease, null);
        }
        return await runtime.WakeAsync(id, cancellationToken) is { } failure ? (RouteLease.Unknown, failure) : (runtime.Route(id), null);
    }
}
