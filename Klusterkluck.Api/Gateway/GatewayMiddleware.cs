using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Klusterkluck.Api.Functions;
using Klusterkluck.Api.Runtime;
using Yarp.ReverseProxy.Forwarder;

namespace Klusterkluck.Api.Gateway;

/// <summary>
/// <c>/fn/{user}/{name}/{**path}</c>: every request goes on to one of the function's ready
/// replicas with YARP's forwarder, bodies streamed both ways, the Authorization header untouched
/// (the worker checks it, and keeps it from the function), the platform's cookies kept from it and
/// its answers sandboxed (<see cref="FunctionTransformer"/>). A middleware after the exception
/// handler but ahead of the Api's own authentication and routing: the gateway is the hot path,
/// and it validates no token itself.
/// </summary>
internal sealed class GatewayMiddleware(RequestDelegate next, IRuntime runtime, IHttpForwarder forwarder, FunctionHttp http,
    IServiceScopeFactory scopes, GatewayMetrics metrics, Microsoft.Extensions.Options.IOptions<Limits.LimitsOptions> limits,
    FunctionThrottles throttles, UsageMeter usage)
{
    public static readonly PathString Prefix = "/fn";

    private const string Route = "/fn/{user}/{function}/{**path}";

    private static readonly ForwarderRequestConfig s_config = new()
    {
        // A function may take up to 15 minutes (klusterkluck.yaml's timeout); the worker enforces it.
        ActivityTimeout = TimeSpan.FromMinutes(16),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Prefix, out var rest))
        {
            await next(context);
            return;
        }
        var maxBody = limits.Value.MaxRequestBytes;
        if (context.Request.ContentLength > maxBody)
        {
            // Its length says it is over: refused before a worker is bothered.
            await Limits.LimitsExtensions.BodyTooLargeAsync(context, maxBody, context.Request.ContentLength);
            return;
        }
        if (!TryParse(rest, out var id, out var functionPath))
        {
            await context.WriteProblemAsync(StatusCodes.Status404NotFound, "Unknown function", "Function URLs are /fn/{user}/{function}/.");
            return;
        }
        if (System.Diagnostics.Activity.Current is { } activity)
        {
            // The server span says which function it reached: named by its route (low cardinality), tagged with the rest.
            activity.DisplayName = $"{context.Request.Method} {Route}";
            activity.SetTag("http.route", Route).SetTag(Hosting.ApiTelemetry.User, id.User).SetTag(Hosting.ApiTelemetry.Function, id.Name);
        }
        if (!functionPath.HasValue && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            // The function's root is a folder: relative links in a static site resolve against it.
            context.Response.Redirect($"{context.Request.PathBase}{context.Request.Path}/{context.Request.QueryString}", permanent: true, preserveMethod: true);
            return;
        }

        // The function's own responses pass through as they are: an empty 404 stays empty.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
        if (!throttles.TryEnter(id, out var ticket, out var refusal))
        {
            // Before anything is started or sent on: a throttled request costs the function nothing.
            await ThrottleProblems.Refused(context, id, throttles, usage, refusal).ExecuteAsync(context);
            return;
        }
        using var _ = ticket;
        var lease = runtime.Route(id);
        try
        {
            if (lease.Asleep)
            {
                // Scaled to zero: held here while a replica starts (one start for every request that waits).
                if (!await NotServing.AdmitsAsync(context, id, scopes))
                {
                    return;
                }
                if (await runtime.WakeAsync(id, context.RequestAborted) is { } failure)
                {
                    await NotServing.ColdStartFailedAsync(context, failure);
                    return;
                }
                lease = runtime.Route(id);
            }
            await ForwardAsync(context, id, lease, functionPath, maxBody);
        }
        finally
        {
            lease.Dispose();
        }
    }

    private async Task ForwardAsync(HttpContext context, FunctionId id, RouteLease lease, PathString functionPath, long maxBody)
    {
        if (lease.Destination is not { } destination)
        {
            await NotServing.AnswerAsync(context, id, scopes);
            return;
        }
        // The function sees its own paths: /fn/{user}/{name}/x arrives as /x, with the request's
        // headers but the platform's cookies (FunctionTransformer).
        context.Request.Path = functionPath;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Functions' limit, not the Api's own: a body without a length is cut here as it streams
            // (one with a length over it never got this far), and the worker checks it again.
            limit.MaxRequestBodySize = maxBody;
        }
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var requestBody = usage.Enabled ? MeteredBodies.CountRequest(context) : null;
        var error = await forwarder.SendAsync(context, destination, http.Invoker, s_config,
            usage.Enabled ? FunctionTransformer.Metered : FunctionTransformer.Instance);
        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            if (IsBodyTooLarge(context))
            {
                await Limits.LimitsExtensions.BodyTooLargeAsync(context, maxBody, length: null);
            }
            else
            {
                await context.WriteProblemAsync(context.Response.StatusCode is >= 400 ? context.Response.StatusCode : StatusCodes.Status502BadGateway,
                    "Function unreachable", $"The function's worker did not answer ({error}).");
            }
        }
        metrics.Invoked(id, context.Response.StatusCode, answered: error == ForwarderError.None, startedAt);
        if (usage.Enabled)
        {
            usage.Invoked(id, error: context.Response.StatusCode >= 500 || error != ForwarderError.None, startedAt,
                MeteredBodies.BytesIn(context, requestBody), MeteredBodies.BytesOut(context));
        }
    }

    /// <summary>Kestrel stopped the client's body at the limit while YARP was sending it on.</summary>
    private static bool IsBodyTooLarge(HttpContext context)
    {
        for (var e = context.Features.Get<IForwarderErrorFeature>()?.Exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryParse(PathString rest, out FunctionId id, out PathString functionPath)
    {
        id = null!;
        functionPath = default;
        var value = rest.Value ?? "";
        var userEnd = value.Length < 2 ? -1 : value.IndexOf('/', 1);
        if (userEnd < 0)
        {
            return false;
        }
        var nameEnd = value.IndexOf('/', userEnd + 1);
        var user = value[1..userEnd];
        var name = nameEnd < 0 ? value[(userEnd + 1)..] : value[(userEnd + 1)..nameEnd];
        if (!FunctionNameAttribute.IsValidName(name) || !Identity.UserNames.IsValid(user))
        {
            return false;
        }
        id = new FunctionId(user, name);
        functionPath = nameEnd < 0 ? default : new PathString(value[nameEnd..]);
        return true;
    }
}
