using Klusterkluck.Api.Identity.Embedded;
using Klusterkluck.Api.Identity.Keycloak;
using Klusterkluck.Api.Tenants;

namespace Klusterkluck.Api.Identity;

public static class IdentityExtensions
{
    public static WebApplicationBuilder AddIdentityProvider(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityProviderOptions>().BindConfiguration(IdentityProviderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<TenantStore>();
        builder.Services.AddSingleton<TenantRuntime>();
        builder.Services.AddHttpClient<TokenEndpointClient>();
        builder.Services.AddAuthRateLimit();
        builder.Services.AddAuthorization();
        builder.Services.AddRegistration();

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

    public static IdentityProviderKind ConfiguredKind(IConfiguration configuration) =>
        configuration.Peek<IdentityProviderOptions>(IdentityProviderOptions.Section).Provider;

    public static WebApplication UseIdentityProvider(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
