using Klusterkluck.Api.Identity.Embedded.Account;

namespace Klusterkluck.Api.Identity.Embedded;

internal static class EmbeddedProviderEndpoints
{
    /// <summary>The embedded OpenID Connect provider's endpoints and pages (discovery and JWKS are OpenIddict's own).</summary>
    public static void MapEmbeddedProvider(this IEndpointRouteBuilder app)
    {
        app.MapEmbeddedTokenEndpoint();
        app.MapEmbeddedAuthorizeEndpoint();
        app.MapEmbeddedUserInfoEndpoint();
        app.MapEmbeddedEndSessionEndpoint();
        app.MapAccountPages();
    }
}
