namespace Klusterkluck.Cli.SignIn;

/// <summary>A server's address as kk keys its sign-ins by: scheme, host, port and path, without a trailing slash.</summary>
public static class ServerAddress
{
    public const string Default = "http://localhost:8080";

    /// <summary><c>localhost:8080</c>, <c>http://localhost:8080/</c> → <c>http://localhost:8080</c>; null when it is no http(s) address.</summary>
    public static string? Normalize(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }
        var text = address.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0
            || uri.UserInfo.Length > 0)
        {
            return null;
        }
        return $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath.TrimEnd('/')}".ToLowerInvariant();
    }
}
