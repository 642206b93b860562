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
        var state = function.Status == DeployStatus.Ready && !instances.Any(i => i.State == "ready") ? "unavailable" : status;
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
            function.CreatedAt);
    }
}
