using Klusterkluck.Api.Data;
using Klusterkluck.Api.Tenants;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// Users in the store; login and refresh are real OAuth grants against the Api's own token
/// endpoint over loopback, the same exchange the Keycloak provider has with Keycloak.
/// </summary>
internal sealed class EmbeddedIdentityProvider(StoreContext store, UserPasswords passwords, TokenEndpointClient tokens,
    EmbeddedAddresses addresses, InternalCaller internalCaller) : IIdentityProvider
{
    public IdentityProviderKind Kind => IdentityProviderKind.Embedded;

    public async Task<AuthResult<RegisteredUser>> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        if (await TakenAsync(request, cancellationToken) is { } taken)
        {
            return taken;
        }
        var user = new User { UserName = request.Username, Email = request.Email, PasswordHash = "" };
        user.PasswordHash = passwords.Hash(user, request.Password);
        store.Users.Add(user);
        if (await store.Tenants.FindAsync([request.Username], cancellationToken) is null)
        {
            store.Tenants.Add(new Tenant { Name = request.Username });
        }
        try
        {
            await store.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a registration of the same name or email.
            store.ChangeTracker.Clear();
            return await TakenAsync(request, cancellationToken) ?? throw new InvalidOperationException("registration failed and nothing conflicts");
        }
        return new RegisteredUser(user.UserName, user.Email, user.UserName);
    }

    public Task<AuthResult<TokenResponse>> LoginAsync(LoginRequest request, CancellationToken cancellationToken) =>
        GrantAsync([
            new(Parameters.GrantType, GrantTypes.Password),
            new(Parameters.Username, request.Username),
            new(Parameters.Password, request.Password),
        ], AuthProblem.InvalidCredentials, cancellationToken);

    public Task<AuthResult<TokenResponse>> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken) =>
        GrantAsync([
            new(Parameters.GrantType, GrantTypes.RefreshToken),
            new(Parameters.RefreshToken, request.RefreshToken),
        ], AuthProblem.InvalidRefreshToken, cancellationToken);

    private Task<AuthResult<TokenResponse>> GrantAsync(KeyValuePair<string, string>[] form, AuthProblem onInvalidGrant,
        CancellationToken cancellationToken) =>
        tokens.RequestAsync(addresses.LocalTokenEndpoint(), form, onInvalidGrant, cancellationToken, internalCaller.Mark);

    private async Task<AuthProblem?> TakenAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        if (await store.Users.AnyAsync(u => u.UserName == request.Username, cancellationToken))
        {
            return AuthProblem.UsernameTaken;
        }
        var email = User.NormalizeEmail(request.Email);
        return await store.Users.AnyAsync(u => u.NormalizedEmail == email, cancellationToken) ? AuthProblem.EmailTaken : null;
    }
}
