using System.Security.Claims;
using System.Text.Json;
using Klusterkluck.Client;
using Microsoft.AspNetCore.Components.Authorization;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>The user a circuit (or a page render) acts for: their name and a fresh access token.</summary>
public sealed class ConsoleUser(AuthenticationStateProvider authentication, ConsoleSessions sessions) : IAccessTokens
{
    private static readonly ApiProblem s_sessionEnded = new(401, "Your session has ended", "Reload the page to sign in again.",
        new Dictionary<string, string[]>(), new Dictionary<string, JsonElement>());

    public async Task<ClaimsPrincipal> PrincipalAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async ValueTask<string?> AccessTokenAsync(CancellationToken cancellationToken) =>
        (await PrincipalAsync()).FindFirstValue(ConsoleSessions.SessionClaim) is { } session
            ? await sessions.AccessTokenAsync(session, cancellationToken)
            : null;

    /// <summary>The session keeps its tokens fresh itself; a token the API refuses means the session is over.</summary>
    public ValueTask<string?> RenewAsync(string rejected, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    public ApiProblem SignedOut => s_sessionEnded;
}
