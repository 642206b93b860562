using Klusterkluck.Api.Tenants;

namespace Klusterkluck.Api.Identity.Registration;

/// <summary>
/// The one way a user is registered, whether through <c>POST /api/v1/auth/register</c> or the
/// embedded provider's registration page: the registration policy admits the request, the
/// provider creates the user, then the user's tenant is prepared.
/// </summary>
internal sealed class UserRegistration(IIdentityProvider identity, RegistrationPolicy policy, TenantRuntime tenants)
{
    public RegistrationMode Mode => policy.Mode;

    public async Task<AuthResult<RegisteredUser>> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        var result = await policy.RegisterAsync(request, token => identity.RegisterAsync(request, token), cancellationToken);
        if (result.Value is { } user)
        {
            await tenants.PrepareAsync(user.Tenant, cancellationToken);
        }
        return result;
    }
}
