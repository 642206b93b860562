using Microsoft.AspNetCore.Http;

// A Klusterkluck function in C#. The worker creates one Function when it starts and calls
// HandleAsync for every request: the method, path (from the function's root), query, headers
// and body are the request's own. Return any IResult: Results.Text, Results.Json, Results.StatusCode...
public sealed class Function
{
    public async Task<IResult> HandleAsync(HttpRequest request)
    {
        var body = (await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted)).Trim();
        var name = request.Query["name"].ToString() is { Length: > 0 } asked ? asked : body.Length > 0 ? body : "world";
        return Results.Text($"{Environment.GetEnvironmentVariable("GREETING") ?? "Hello"}, {name}!\n");
    }
}
