namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>
/// Where the sign-in and registration pages send the browser when done: only a path on this
/// server, so that a link to the sign-in page cannot send a user, signed in, to another site.
/// </summary>
internal static class ReturnUrls
{
    public const string Parameter = "returnUrl";

    /// <summary><paramref name="url"/> if it is a local path (the rules of ASP.NET Core's IsLocalUrl); else the sign-in page, which then says who is signed in.</summary>
    public static string Local(string? url) => IsLocal(url) ? url! : AccountPaths.Login;

    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        // "//host" and "/\host" are other hosts to a browser.
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
