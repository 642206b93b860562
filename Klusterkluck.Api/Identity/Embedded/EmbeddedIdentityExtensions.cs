using Klusterkluck.Api.Data;
using Klusterkluck.Api.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

internal static class EmbeddedIdentityExtensions
{
    /// <summary>
    /// The embedded provider: an OpenIddict server in the Api, a standard OpenID Connect provider
    /// (authorization code flow with PKCE, password and refresh-token grants, userinfo, end
    /// session, discovery at /.well-known/openid-configuration, JWKS at /.well-known/jwks) with
    /// its own sign-in and registration pages; users in the store, keys in the data folder.
    /// </summary>
    public static void AddEmbeddedIdentity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.Peek<IdentityProviderOptions>(IdentityProviderOptions.Section);
        var (issuer, issuerError) = EmbeddedAddresses.Issuer(builder.Configuration, options);
        builder.Services.AddOptions<IdentityProviderOptions>().Validate(_ => issuerError is null, issuerError ?? "")
            .Validate(o => o.ConsoleOrigins.All(IsOrigin), "Identity:ConsoleOrigins must be absolute http(s) URLs such as https://console.example.com");
        var dataFolder = DataFolder.From(builder.Configuration);
        var keys = EmbeddedKeys.LoadOrCreate(dataFolder);

        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(new TokenIssuer(issuer.AbsoluteUri, options.Audience));
        builder.Services.AddSingleton<EmbeddedAddresses>();
        builder.Services.AddSingleton<IOwnerTokens, EmbeddedOwnerTokens>();
        builder.Services.AddSingleton<InternalCaller>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddScoped<UserPasswords>();
        builder.Services.AddScoped<IIdentityProvider, EmbeddedIdentityProvider>();
        builder.Services.AddSingleton<EmbeddedClients>();
        builder.Services.AddSingleton<ProviderSessions>();
        builder.Services.AddHostedService(services => services.GetRequiredService<EmbeddedClients>());
        builder.Services.AddHealthChecks().AddCheck<EmbeddedClientsCheck>("embedded-clients");
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "kk.idp.af";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<StoreContext>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetTokenEndpointUris(EmbeddedTokenEndpoint.Path.TrimStart('/'))
                    .SetAuthorizationEndpointUris(EmbeddedAuthorizeEndpoint.Path.TrimStart('/'))
                    .SetUserInfoEndpointUris(EmbeddedUserInfoEndpoint.Path.TrimStart('/'))
                    .SetEndSessionEndpointUris(EmbeddedEndSessionEndpoint.Path.TrimStart('/'));
                server.AllowAuthorizationCodeFlow().AllowPasswordFlow().AllowRefreshTokenFlow();
                // Every code is bound to an S256 challenge: both clients are public (EmbeddedClients).
                server.RequireProofKeyForCodeExchange();
                // S256 only: "plain" would hand the verifier to anyone who sees the authorization request.
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                // Requests naming a client (klusterkluck, klusterkluck-console) are checked against
                // its registration; the Api's own JSON login sends none, and anyone may use the
                // password and refresh grants that way, as before the clients existed.
                server.AcceptAnonymousClients();
                server.RegisterScopes(Scopes.OfflineAccess, Scopes.Profile, Scopes.Email);
                server.RegisterClaims(Claims.PreferredUsername, Claims.Name, Claims.Email, Claims.EmailVerified);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                server.SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                server.AddSigningKey(keys.Signing);
                server.AddEncryptionKey(keys.Encryption);
                // Workers validate access tokens as plain signed JWTs, as they do Keycloak's.
                server.DisableAccessTokenEncryption();
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
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
        }).AddProviderCookie();
    }

    private static bool IsOrigin(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
