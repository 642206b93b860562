using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>The user a circuit (or a page render) acts for: their name and a fresh access token.</summary>
public sealed class ConsoleUser(AuthenticationStateProvider authentication, ConsoleSessions sessions)
{
    public async Task<ClaimsPrincipal> PrincipalAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<string?> AccessTokenAsync(CancellationToken cancellationToken) =>
        (await PrincipalAsync()).FindFirstValue(ConsoleSessions.SessionClaim) is { } session
            ? await sessions.AccessTokenAsync(session, cancellationToken)
            : null;
}
