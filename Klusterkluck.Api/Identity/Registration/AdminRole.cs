using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Registration;

/// <summary>
/// Admins hold the role <c>admin</c>: the users <c>Identity:Admins</c> (or <c>Identity:Admin</c>)
/// names, added to their principal on every request, so the configuration alone says who is one
/// (a name taken off the list stops being an admin at once, and no token needs reissuing). With
/// Keycloak, the realm or client role <c>admin</c> counts too: the token already carries it.
/// </summary>
internal sealed class AdminRole(IOptionsMonitor<IdentityProviderOptions> options) : IClaimsTransformation
{
    public const string Role = "admin";

    public const string Policy = "admin";

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var name = principal.Identity?.Name;
        if (name is null || principal.IsInRole(Role) || !options.CurrentValue.AllAdmins().Contains(name, StringComparer.Ordinal))
        {
            return Task.FromResult(principal);
        }
        // A transformation may run more than once per request: the principal is copied, never changed in place.
        var admin = principal.Clone();
        ((ClaimsIdentity)admin.Identity!).AddClaim(new Claim(BearerTokens.RoleClaim, Role));
        return Task.FromResult(admin);
    }
}
