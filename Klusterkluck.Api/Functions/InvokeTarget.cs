namespace Klusterkluck.Api.Functions;

/// <summary>What an invoke asks of the function: the method and the path (with its query) it sees.</summary>
public sealed record InvokeTarget(string Method, string Path)
{
    private static readonly HashSet<string> s_methods = new(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], StringComparer.OrdinalIgnoreCase);

    /// <summary>GET and HEAD carry no body, whatever the invoke request held.</summary>
    public bool HasBody => Method is not ("GET" or "HEAD");

    /// <summary>Each bad parameter with why, as validation errors; empty when both are usable.</summary>
    public static Dictionary<string, string[]> Problems(string? method, string? path)
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
        return problems;
    }
}
