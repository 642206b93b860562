using Klusterkluck.Api.Identity.Embedded;
using Klusterkluck.Api.Identity.Keycloak;
using Klusterkluck.Api.Tenants;

namespace Klusterkluck.Api.Identity;

public static class IdentityExtensions
{
    public static WebApplicationBuilder AddIdentityProvider(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityProviderOptions>().BindConfiguration(IdentityProviderOptions.Section).ValidateOnStart();
        builder.Services.AddScoped<TenantStore>();
        builder.Services.AddHttpClient<TokenEndpointClient>();
        builder.Services.AddAuthRateLimit();
        builder.Services.AddAuthorization();

        if (ConfiguredKind(builder.Configuration) == IdentityProviderKind.Keycloak)
        {
            builder.AddKeycloakIdentity();
        }
        else
        {
            builder.AddEmbeddedIdentity();
        }
        return builder;
    }

    /// <summary>Read leniently: a value that is no provider is reported by the options validation at start.</summary>
    public static IdentityProviderKind ConfiguredKind(IConfiguration configuration) =>
        Enum.TryParse<IdentityProviderKind>(configuration[$"{IdentityProviderOptions.Section}:{nameof(IdentityProviderOptions.Provider)}"],
            ignoreCase: true, out var kind) ? kind : IdentityProviderKind.Embedded;

    public static WebApplication UseIdentityProvider(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
