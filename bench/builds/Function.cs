using Microsoft.AspNetCore.Http;

// The dotnet side of the throughput comparison: bench/worker/handler.js in C#, small JSON built from the request.
public sealed class Function
{
    public IResult Handle(HttpRequest request) =>
        Results.Json(new { hello = request.Query["name"].ToString() is { Length: > 0 } name ? name : "world", path = request.Path.Value });
}
