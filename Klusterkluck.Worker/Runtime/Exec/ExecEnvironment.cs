using System.Text;

namespace Klusterkluck.Worker.Runtime.Exec;

/// <summary>The request as environment variables, after OpenFaaS's classic watchdog.</summary>
public static class ExecEnvironment
{
    public static void Add(IDictionary<string, string?> environment, HttpRequest request)
    {
        foreach (var (name, values) in request.Headers)
        {
            environment[$"Http_{Canonical(name)}"] = values.ToString();
        }
        // Last, so that a header named "Method" or "Path" cannot pose as the request line.
        environment["Http_Method"] = request.Method;
        environment["Http_Path"] = request.Path.Value ?? "/";
        environment["Http_Query"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
    }

    /// <summary>content-type → Content_Type, as Go canonicalises header names for the watchdog.</summary>
    public static string Canonical(string header)
    {
        var name = new StringBuilder(header.Length);
        var upper = true;
        foreach (var c in header)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                name.Append('_');
                upper = true;
                continue;
            }
            name.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            upper = false;
        }
        return name.ToString();
    }
}
