namespace Klusterkluck.Api.Functions;

/// <summary>
/// What an invoke asks of the function: the method, the path (with its query) and the headers it
/// sees. A header the caller sends as <c>Kk-Header-{name}</c> reaches the function as
/// <c>{name}</c>; the invoke request's own headers (the caller's tools add many) are not passed on.
/// </summary>
public sealed record InvokeTarget(string Method, string Path)
{
    public const string HeaderPrefix = "Kk-Header-";

    /// <summary>Headers the Api sets itself or that describe the connection, not the request.</summary>
    private static readonly HashSet<string> s_reserved = new(["Host", "Authorization", "Content-Length", "Content-Type", "Connection",
        "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Cookie"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>Kk-Header-</c> headers of <paramref name="request"/>, unprefixed.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Headers(HttpRequest request) =>
        request.Headers.Where(h => h.Key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase) && h.Key.Length > HeaderPrefix.Length)
            .Select(h => KeyValuePair.Create(h.Key[HeaderPrefix.Length..], h.Value.ToString()));

    private static readonly HashSet<string> s_methods = new(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], StringComparer.OrdinalIgnoreCase);

    /// <summary>GET and HEAD carry no body, whatever the invoke request held.</summary>
    public bool HasBody => Method is not ("GET" or "HEAD");

    /// <summary>Each bad parameter with why, as validation errors; empty when both are usable.</summary>
    public static Dictionary<string, string[]> Problems(string? method, string? path, HttpRequest request)
    {
        var problems = new Dictionary<string, string[]>();
        if (method is not null && !s_methods.Contains(method))
        {
            problems["method"] = [$"method must be one of {string.Join(", ", s_methods)}."];
        }
        if (path is not null && (!path.StartsWith('/') || path.Length > 2048 || path.Contains('#') || path.Any(char.IsControl) || path.Contains(' ')))
        {
            problems["path"] = ["path must start with /, hold no spaces, controls or fragment, and be at most 2048 characters."];
        }
        if (Headers(request).Select(h => h.Key).Where(s_reserved.Contains).ToList() is { Count: > 0 } reserved)
        {
            problems["headers"] = [$"{string.Join(", ", reserved)} cannot be passed on: the Api sets them itself (Content-Type is the invoke request's own)."];
        }
        return problems;
    }
}
