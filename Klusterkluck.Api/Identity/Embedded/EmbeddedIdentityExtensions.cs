using Klusterkluck.Api.Data;
using Klusterkluck.Api.Hosting;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

internal static class EmbeddedIdentityExtensions
{
    /// <summary>
    /// The embedded provider: an OpenIddict server in the Api (token endpoint with the password
    /// and refresh-token grants, discovery at /.well-known/openid-configuration, JWKS at
    /// /.well-known/jwks), users in the store, keys in the data folder.
    /// </summary>
    public static void AddEmbeddedIdentity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.Peek<IdentityProviderOptions>(IdentityProviderOptions.Section);
        var (issuer, issuerError) = EmbeddedAddresses.Issuer(builder.Configuration, options);
        builder.Services.AddOptions<IdentityProviderOptions>().Validate(_ => issuerError is null, issuerError ?? "");
        var keys = EmbeddedKeys.LoadOrCreate(DataFolder.From(builder.Configuration));

        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(new TokenIssuer(issuer.AbsoluteUri, options.Audience));
        builder.Services.AddSingleton<EmbeddedAddresses>();
        builder.Services.AddSingleton<IOwnerTokens, EmbeddedOwnerTokens>();
        builder.Services.AddSingleton<InternalCaller>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddScoped<UserPasswords>();
        builder.Services.AddScoped<IIdentityProvider, EmbeddedIdentityProvider>();

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<StoreContext>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetTokenEndpointUris(EmbeddedTokenEndpoint.Path.TrimStart('/'));
                server.AllowPasswordFlow().AllowRefreshTokenFlow();
                // The Api's own JSON login is the usual client; anyone may use the grants directly.
                server.AcceptAnonymousClients();
                server.RegisterScopes(Scopes.OfflineAccess, Scopes.Profile, Scopes.Email);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                server.SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                server.AddSigningKey(keys.Signing);
                server.AddEncryptionKey(keys.Encryption);
                // Workers validate access tokens as plain signed JWTs, as they do Keycloak's.
                server.DisableAccessTokenEncryption();
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    // TLS ends at the ingress in a cluster; locally the Api is plain http on loopback.
                    .DisableTransportSecurityRequirement();
            });

        builder.Services.AddBearerTokens(jwt =>
        {
            // The Api trusts its own key directly: no discovery round trip to itself.
            jwt.TokenValidationParameters.ValidIssuer = issuer.AbsoluteUri;
            jwt.TokenValidationParameters.IssuerSigningKey = keys.Signing;
            jwt.TokenValidationParameters.ValidAudience = options.Audience;
            jwt.TokenValidationParameters.ValidateAudience = true;
        });
    }
}
