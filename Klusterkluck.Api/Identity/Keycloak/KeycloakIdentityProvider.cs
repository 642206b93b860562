using Klusterkluck.Api.Tenants;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Keycloak;

/// <summary>Users live in a Keycloak realm; the Api keeps only their tenants.</summary>
internal sealed class KeycloakIdentityProvider(KeycloakAdminClient admin, TokenEndpointClient tokens, TenantStore tenants,
    IOptions<KeycloakOptions> options) : IIdentityProvider
{
    private readonly KeycloakOptions _keycloak = options.Value;

    public IdentityProviderKind Kind => IdentityProviderKind.Keycloak;

    public async Task<AuthResult<RegisteredUser>> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        var result = await admin.CreateUserAsync(request, cancellationToken);
        if (result.Value is not null)
        {
            await tenants.EnsureAsync(request.Username, cancellationToken);
        }
        return result;
    }

    public Task<AuthResult<TokenResponse>> LoginAsync(LoginRequest request, CancellationToken cancellationToken) =>
        tokens.RequestAsync(_keycloak.TokenEndpoint, Client([
            new("grant_type", "password"),
            new("username", request.Username),
            new("password", request.Password),
        ]), AuthProblem.InvalidCredentials, cancellationToken);

    public Task<AuthResult<TokenResponse>> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken) =>
        tokens.RequestAsync(_keycloak.TokenEndpoint, Client([
            new("grant_type", "refresh_token"),
            new("refresh_token", request.RefreshToken),
        ]), AuthProblem.InvalidRefreshToken, cancellationToken);

    private List<KeyValuePair<string, string>> Client(List<KeyValuePair<string, string>> form)
    {
        form.Add(new("client_id", _keycloak.Resource));
        if (_keycloak.Credentials.Secret is { Length: > 0 } secret)
        {
            form.Add(new("client_secret", secret));
        }
        return form;
    }
}
