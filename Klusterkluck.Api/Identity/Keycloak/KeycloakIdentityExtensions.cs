using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Keycloak;

internal static class KeycloakIdentityExtensions
{
    /// <summary>Keycloak: tokens validated against the realm's discovery and JWKS; users created through the admin API.</summary>
    public static void AddKeycloakIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeycloakOptions>().BindConfiguration(KeycloakOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient<KeycloakAdminClient>();
        builder.Services.AddSingleton<IOwnerTokens, KeycloakOwnerTokens>();
        builder.Services.AddScoped<IIdentityProvider, KeycloakIdentityProvider>();

        var keycloak = builder.Configuration.Peek<KeycloakOptions>(KeycloakOptions.Section);
        builder.Services.AddSingleton(new TokenIssuer(keycloak.Authority, keycloak.VerifyTokenAudience ? keycloak.Resource : null));
        builder.Services.AddBearerTokens(jwt =>
        {
            jwt.Authority = keycloak.Authority;
            jwt.RequireHttpsMetadata = RequiresHttps(keycloak);
            jwt.TokenValidationParameters.ValidateAudience = keycloak.VerifyTokenAudience;
            jwt.TokenValidationParameters.ValidAudience = keycloak.Resource;
            jwt.Events.OnTokenValidated = context =>
            {
                var client = context.HttpContext.RequestServices.GetRequiredService<IOptions<KeycloakOptions>>().Value.Resource;
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    // Read all roles before adding any: the claims being read are the ones added to.
                    var roles = KeycloakRoles.From(context.Principal, client).Distinct().ToList();
                    identity.AddClaims(roles.Select(role => new Claim(BearerTokens.RoleClaim, role)));
                }
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>Keycloak's <c>ssl-required</c>: <c>external</c> lets loopback and private addresses use plain http.</summary>
    private static bool RequiresHttps(KeycloakOptions keycloak)
    {
        if (keycloak.SslRequired == "none" || !Uri.TryCreate(keycloak.AuthServerUrl, UriKind.Absolute, out var url))
        {
            return false;
        }
        if (keycloak.SslRequired == "all")
        {
            return true;
        }
        return !(url.IsLoopback || (IPAddress.TryParse(url.Host, out var address) && IsPrivate(address)));
    }

    private static bool IsPrivate(IPAddress address)
    {
        var bytes = address.MapToIPv4().GetAddressBytes();
        return address.IsIPv6UniqueLocal || bytes[0] == 10 || (bytes[0] == 172 && bytes[1] is >= 16 and <= 31) || (bytes[0] == 192 && bytes[1] == 168);
    }
}
