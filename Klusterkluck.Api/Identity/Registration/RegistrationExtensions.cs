using Microsoft.AspNetCore.Authentication;

namespace Klusterkluck.Api.Identity.Registration;

internal static class RegistrationExtensions
{
    /// <summary>The registration policy, invites in the store, and the admin role that may create them.</summary>
    public static IServiceCollection AddRegistration(this IServiceCollection services)
    {
        services.AddScoped<InviteStore>();
        services.AddScoped<RegistrationPolicy>();
        services.AddScoped<UserRegistration>();
        services.AddSingleton<IClaimsTransformation, AdminRole>();
        services.AddAuthorizationBuilder().AddPolicy(AdminRole.Policy, policy => policy.RequireAuthenticatedUser().RequireRole(AdminRole.Role));
        services.AddHostedService<FirstAdminInvite>();
        return services;
    }
}
