using System.Security.Claims;
using Klusterkluck.Api.Identity.Embedded;
using Klusterkluck.Api.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Identity;

public static class AuthEndpoints
{
    /// <summary>Credentials and tokens are small; anything bigger is refused before it is read.</summary>
    private const long MaxBodyBytes = 32 * 1024;

    public static RouteGroupBuilder MapAuth(this WebApplication app)
    {
        if (IdentityExtensions.ConfiguredKind(app.Configuration) == IdentityProviderKind.Embedded)
        {
            app.MapEmbeddedProvider();
        }

        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        // The endpoints that take credentials: limited per client address, small bodies only.
        var credentials = group.MapGroup("").RequireRateLimiting(AuthRateLimit.Policy).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        credentials.MapPost("/register", RegisterAsync);
        credentials.MapPost("/login", LoginAsync);
        credentials.MapPost("/refresh", RefreshAsync);
        group.MapGet("/whoami", WhoAmIAsync).RequireAuthorization().AddEndpointFilter(Callers.RequireTenantName);
        return group;
    }

    private static async Task<Results<Created<RegisteredUser>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, UserRegistration registration, CancellationToken cancellationToken)
    {
        var result = await registration.RegisterAsync(request, cancellationToken);
        return result.Value is { } user ? TypedResults.Created("/api/v1/auth/whoami", user) : result.Problem!.ToResult();
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, IIdentityProvider identity, CancellationToken cancellationToken) =>
        Tokens(await identity.LoginAsync(request, cancellationToken));

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, IIdentityProvider identity, CancellationToken cancellationToken) =>
        Tokens(await identity.RefreshAsync(request, cancellationToken));

    private static Results<Ok<TokenResponse>, ProblemHttpResult> Tokens(AuthResult<TokenResponse> result) =>
        result.Value is { } tokens ? TypedResults.Ok(tokens) : result.Problem!.ToResult();

    private static async Task<Ok<WhoAmIResponse>> WhoAmIAsync(
        ClaimsPrincipal user, TenantStore tenants, IIdentityProvider identity, CancellationToken cancellationToken)
    {
        var name = user.Identity!.Name!;
        var tenant = await tenants.EnsureAsync(name, cancellationToken);
        var roles = user.FindAll(BearerTokens.RoleClaim).Select(c => c.Value).Distinct().Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new WhoAmIResponse(name, user.FindFirstValue("email"), tenant.Name, roles, identity.Kind.ToString()));
    }
}
