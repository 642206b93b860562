using Microsoft.AspNetCore.Http;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>The paths the console owns beside the Api's: only these see the session cookie.</summary>
public static class ConsolePaths
{
    public const string SignInCallback = "/signin-oidc";
    public const string SignOutCallback = "/signout-callback-oidc";
    public const string SignOut = "/console/sign-out";
    public const string SignedOut = "/signed-out";

    private static readonly PathString[] s_prefixes =
        ["/functions", "/flows", "/_blazor", "/console", SignInCallback, SignOutCallback, SignedOut, "/not-found"];

    public static bool Owns(PathString path) =>
        path == "/" || !path.HasValue || s_prefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
}
