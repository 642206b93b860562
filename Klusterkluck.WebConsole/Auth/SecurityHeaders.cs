using Microsoft.AspNetCore.Http;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>
/// The console's pages allow scripts from the Api's own origin only: even if some text escaped
/// Blazor's encoding, an injected inline script or event handler would not run. Styles may be
/// inline because Fluent UI and Monaco set them at run time. Forms may post to the provider
/// (sign-out redirects there).
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next, ConsoleOptions options)
{
    private readonly string _policy = string.Join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        $"form-action 'self' {Origin(options.Authority)}");

    public Task InvokeAsync(HttpContext context)
    {
        if (ConsolePaths.Owns(context.Request.Path))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = _policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
        }
        return next(context);
    }

    private static string Origin(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "";
}
