using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Functions;

/// <summary>Stored function plus runtime state → the response; URLs are built from the request's own origin.</summary>
internal static class FunctionViews
{
    public static async Task<FunctionResponse> ToResponseAsync(this Function function, IRuntime runtime, HttpRequest request)
    {
        var artifacts = request.HttpContext.RequestServices.GetRequiredService<Artifacts>();
        var id = new FunctionId(function.Owner, function.Name);
        var instances = await runtime.ReplicasAsync(id, request.HttpContext.RequestAborted);
        var origin = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var status = function.Status.ToString().ToLowerInvariant();
        var scale = runtime.ScaleOf(id);
        var ready = instances.Count(i => i.State == "ready");
        // Ready with no replica is idle when the runtime put it to sleep (the next request starts one), else unavailable.
        var state = function.Status == DeployStatus.Ready && ready == 0 ? scale is { Wanted: 0 } ? "idle" : "unavailable" : status;
        return new FunctionResponse(
            function.Name,
            function.Kind,
            function.Public,
            function.Replicas,
            function.MaxReplicas,
            $"{origin}/fn/{function.Owner}/{function.Name}/",
            $"{origin}/git/{function.Owner}/{function.Name}.git",
            state,
            function.DeployedCommit,
            new DeploymentResponse(function.TargetCommit, status, function.Error, function.UpdatedAt,
                function.TargetCommit.Length > 0 && artifacts.HasBuild(id, function.TargetCommit)
                    ? $"{origin}/api/v1/functions/{function.Name}/builds/{function.TargetCommit}"
                    : null),
            instances,
            function.CreatedAt,
            function.Replicas,
            function.TargetConcurrency,
            (int)function.IdleTimeout.TotalSeconds,
            new ScaleStatus(scale?.Wanted ?? function.Replicas, ready, instances.Count(i => i.State == "starting"), scale?.LastDecision),
            function.RateLimit,
            function.RateLimitWindowSeconds ?? Throttling.ThrottleSettings.DefaultWindowSeconds,
            function.MaxInFlight);
    }
}
