using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>The embedded provider's pages: sign in, create an account, and their stylesheet.</summary>
internal static class AccountEndpoints
{
    /// <summary>Two fields and a token; anything bigger is refused before it is read.</summary>
    private const long MaxFormBytes = 16 * 1024;

    private static readonly Lazy<byte[]> s_stylesheet = new(() =>
    {
        using var stream = typeof(AccountEndpoints).Assembly.GetManifestResourceStream("account.css")
            ?? throw new InvalidOperationException("account.css is not embedded in the Api");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static RouteGroupBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account").ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            SecurityHeaders(context.HttpContext.Response.Headers);
            return await next(context);
        });
        group.MapGet("/account.css", () => Results.File(s_stylesheet.Value, "text/css; charset=utf-8"));
        // Antiforgery is checked by the handlers themselves, so that a stale form gets the page
        // again with a message instead of a bare 400; the posts count against the credential limit.
        var posts = group.MapGroup("").DisableAntiforgery().RequireRateLimiting(AuthRateLimit.Policy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxFormBytes));
        group.MapGet("/login", LoginPage.ShowAsync);
        posts.MapPost("/login", LoginPage.SignInAsync);
        group.MapGet("/register", RegisterPage.Show);
        posts.MapPost("/register", RegisterPage.RegisterAsync);
        return group;
    }

    private static void SecurityHeaders(IHeaderDictionary headers)
    {
        // No script at all, styles from the Api's stylesheet only. No form-action: after a sign-in
        // the browser follows redirects to the relying party, and browsers apply form-action to those.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // The return URL holds the authorization request; it is nobody else's business.
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
    }
}
