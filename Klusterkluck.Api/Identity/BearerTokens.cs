using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Identity;

/// <summary>
/// The one validation path for both providers' tokens: JWT bearer, the user named by
/// <c>preferred_username</c> (as in the workers), roles in <c>role</c> claims, and problem
/// details instead of empty 401/403 answers.
/// </summary>
internal static class BearerTokens
{
    public const string UsernameClaim = "preferred_username";

    public const string RoleClaim = "role";

    public static AuthenticationBuilder AddBearerTokens(this IServiceCollection services, Action<JwtBearerOptions> configure) =>
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = UsernameClaim,
                RoleClaimType = RoleClaim,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await context.HttpContext.WriteProblemAsync(StatusCodes.Status401Unauthorized, "A valid bearer token is required",
                        context.AuthenticateFailure is null ? null : "The token is invalid, expired, or from another issuer.");
                },
                OnForbidden = context => context.HttpContext.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", null),
            };
            configure(jwt);
        });
}
