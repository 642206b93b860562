using System.Security.Cryptography;
using System.Text;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Runtime;

namespace Klusterkluck.Worker.Hosting;

/// <summary>
/// A pool worker's one hand-over (<see cref="PoolProtocol"/>): the function's identity and settings
/// from the headers, its code from the body. Only for whoever started the worker (the key), and
/// only once; a worker that is not a pool worker has no such path.
/// </summary>
public static class PoolEndpoint
{
    public static IEndpointRouteBuilder MapPoolEndpoint(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<WorkerOptions>().IsPool)
        {
            app.MapPost(PoolProtocol.Path, SpecializeAsync);
        }
        return app;
    }

    private static async Task SpecializeAsync(HttpContext context, WorkerOptions options, FunctionLoader loader)
    {
        var headers = context.Request.Headers;
        if (!KeyMatches(headers[PoolProtocol.KeyHeader].ToString(), options.PoolKey!))
        {
            // As if the path did not exist: a function's caller learns nothing of the pool.
            await FunctionProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found");
            return;
        }
        var function = headers[PoolProtocol.FunctionHeader].ToString();
        var commit = headers[PoolProtocol.CommitHeader].ToString();
        if (function.Split('/') is not [{ Length: > 0 }, { Length: > 0 }] || commit.Length == 0)
        {
            await FunctionProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "The hand-over needs a function ({user}/{function}) and a commit");
            return;
        }
        if (!loader.TryClaim())
        {
            await FunctionProblems.WriteAsync(context, StatusCodes.Status409Conflict, "This worker has had its function");
            return;
        }
        options.Function = function;
        options.GitCommit = commit;
        options.AuthAuthority = NullIfEmpty(headers[PoolProtocol.AuthorityHeader].ToString());
        options.AuthAudience = NullIfEmpty(headers[PoolProtocol.AudienceHeader].ToString());
        if (options.IsPrivate && (options.AuthAuthority != options.PoolAuthAuthority || options.AuthAudience != options.PoolAuthAudience))
        {
            // Another issuer than the one whose keys it fetched ahead.
            Auth.FunctionAuthExtensions.Reconfigure(context.RequestServices);
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // A build may be far larger than a function's request limit.
            limit.MaxRequestBodySize = null;
        }
        try
        {
            var isBuild = headers[PoolProtocol.ArchiveHeader] == PoolProtocol.Build;
            await loader.SpecializeAsync(context.Request.Body, isBuild, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (Exception e)
        {
            // The worker exits after this (RunWorkerAsync prints the same line), as a failed start does.
            await FunctionProblems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "The function cannot start", WorkerExtensions.Reason(e));
        }
    }

    private static bool KeyMatches(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
