namespace Klusterkluck.Api.Identity;

/// <summary>
/// Where users live and who issues their tokens: the embedded OpenID Connect server or Keycloak.
/// Either way the tokens are JWTs that the Api and the workers validate the same way.
/// </summary>
public interface IIdentityProvider
{
    IdentityProviderKind Kind { get; }

    /// <summary>Creates the user (and, through the caller, their tenant); a taken name or email is a 409.</summary>
    Task<AuthResult<RegisteredUser>> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken);

    /// <summary>The password grant against the provider's token endpoint.</summary>
    Task<AuthResult<TokenResponse>> LoginAsync(LoginRequest request, CancellationToken cancellationToken);

    /// <summary>The refresh-token grant against the provider's token endpoint.</summary>
    Task<AuthResult<TokenResponse>> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken);
}
