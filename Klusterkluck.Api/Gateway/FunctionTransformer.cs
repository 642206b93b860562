using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Klusterkluck.Api.Gateway;

/// <summary>
/// Functions answer on the Api's own origin (<c>/fn/…</c>), beside the web console and the
/// embedded provider's pages, so the gateway keeps the platform's session apart from them:
/// <list type="bullet">
/// <item>the platform's cookies (<c>kk.*</c>: the console's and the provider's sessions;
/// <c>.AspNetCore.*</c>: antiforgery, sign-in correlation) never reach a function, and a function
/// cannot set them;</item>
/// <item>every function response carries <c>Content-Security-Policy: sandbox</c> without
/// <c>allow-same-origin</c>: a function's page runs in an opaque origin, so its scripts cannot
/// read the console's pages or fetch the provider's endpoints with the user's cookies.</item>
/// </list>
/// Everything else is passed as it is (no X-Forwarded-* headers: they cost worker and node CPU in bench/gateway).
/// </summary>
internal sealed class FunctionTransformer(bool metered) : HttpTransformer
{
    public static readonly FunctionTransformer Instance = new(metered: false);

    /// <summary>Also counts a response body without a length for usage (<see cref="MeteredBodies"/>).</summary>
    public static readonly FunctionTransformer Metered = new(metered: true);

    public const string Sandbox = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads";

    public static bool IsPlatformCookie(ReadOnlySpan<char> name) =>
        name.StartsWith("kk.", StringComparison.OrdinalIgnoreCase) || name.StartsWith(".AspNetCore.", StringComparison.OrdinalIgnoreCase);

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var cookies = httpContext.Request.Headers.Cookie;
        if (cookies.Count == 0)
        {
            return;
        }
        proxyRequest.Headers.Remove(HeaderNames.Cookie);
        var kept = CookieHeaderValue.ParseList(cookies).Where(c => !IsPlatformCookie(c.Name.AsSpan())).Select(c => c.ToString()).ToList();
        if (kept.Count > 0)
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.Cookie, string.Join("; ", kept));
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse,
        CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        if (headers.SetCookie.Count > 0)
        {
            headers.SetCookie = headers.SetCookie.Where(c => !IsPlatformCookie(CookieName(c))).ToArray();
        }
        // Added to the function's own policy, if any: both are enforced.
        headers.Append(HeaderNames.ContentSecurityPolicy, Sandbox);
        if (metered)
        {
            // Usage counts the body's bytes: a body without a length is counted as it is copied.
            MeteredBodies.CountResponse(httpContext, proxyResponse);
        }
        return proceed;
    }

    private static ReadOnlySpan<char> CookieName(string? setCookie)
    {
        var value = (setCookie ?? "").AsSpan().TrimStart();
        var end = value.IndexOfAny('=', ';');
        return (end < 0 ? value : value[..end]).Trim();
    }
}
