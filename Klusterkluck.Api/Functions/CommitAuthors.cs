using System.Security.Claims;
using LibGit2Sharp;

namespace Klusterkluck.Api.Functions;

/// <summary>Who a commit through the API is by: the caller, as their token names them.</summary>
internal static class CommitAuthors
{
    public static Signature Of(ClaimsPrincipal user)
    {
        // preferred_username, a DNS label: always a valid git name.
        var name = user.Identity!.Name!;
        // A token without an email (a Keycloak user created without one) still yields an address
        // that says whose it is; .invalid (RFC 2606) can never be mistaken for a real mailbox.
        var email = user.FindFirstValue("email") is { Length: > 0 and <= 254 } given && IsSafe(given) ? given : $"{name}@users.klusterkluck.invalid";
        return new Signature(name, email, DateTimeOffset.UtcNow);
    }

    /// <summary>git's signature line cannot hold angle brackets or line breaks in the address.</summary>
    private static bool IsSafe(string email) => !email.Any(c => c is '<' or '>' || char.IsControl(c));
}
