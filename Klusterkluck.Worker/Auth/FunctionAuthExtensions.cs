using Klusterkluck.Functions;
using Klusterkluck.Worker.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Worker.Auth;

/// <summary>
/// With KK_AUTH_AUTHORITY set, a function only answers bearer tokens from that issuer whose
/// preferred_username is the function's owner (another user's token is told the function does not
/// exist). Without it the function is public, and never sees an Authorization header.
/// </summary>
public static class FunctionAuthExtensions
{
    private const string UsernameClaim = "preferred_username";

    /// <summary>Who called a private function, for the function's code; never taken from the client.</summary>
    public const string UserHeader = "X-Klusterkluck-User";

    public static WebApplicationBuilder AddFunctionAuth(this WebApplicationBuilder builder)
    {
        var options = WorkerOptions.From(builder.Configuration);
        builder.Services.AddAuthorization();
        if (!options.IsPrivate)
        {
            return builder;
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.Authority = options.AuthAuthority;
            // Plain http is the operator's explicit choice (an in-cluster issuer, loopback in tests).
            jwt.RequireHttpsMetadata = options.AuthAuthority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = !string.IsNullOrEmpty(options.AuthAudience),
                ValidAudience = options.AuthAudience,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = UsernameClaim,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Runtime.FunctionProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                        FunctionRefusals.TokenRequired, context.AuthenticateFailure is null ? null : FunctionRefusals.TokenInvalid);
                },
                // Another user's valid token: the answer the gateway gives them for a function that does not exist.
                OnForbidden = context => Runtime.FunctionProblems.WriteAsync(context.HttpContext, StatusCodes.Status404NotFound,
                    FunctionRefusals.Unknown),
            };
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(WorkerEndpoints.OwnerPolicy, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim(UsernameClaim, options.Owner ?? ""));
        return builder;
    }

    /// <summary>Adds the auth middleware only for a private function: a public one pays nothing per request.</summary>
    public static WebApplication UseFunctionAuth(this WebApplication app)
    {
        var isPrivate = app.Services.GetRequiredService<WorkerOptions>().IsPrivate;
        if (isPrivate)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        app.Use((context, next) =>
        {
            var headers = context.Request.Headers;
            headers.Remove(UserHeader);
            if (isPrivate && context.User.Identity?.IsAuthenticated == true)
            {
                // The token was for the worker, and it would let the function act as its caller
                // anywhere the issuer is trusted: the function learns who called, not the token.
                headers.Authorization = default;
                headers[UserHeader] = context.User.Identity.Name;
            }
            else if (!isPrivate)
            {
                // A public function checks no token, so a token sent to it may well be its caller's
                // platform token, good for the caller's own functions and repositories. Every
                // Authorization value goes, whatever its scheme or spelling: a second header line,
                // "bearer", "Bearer<TAB>" all carry one as well.
                headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.Authorization);
            }
            return next(context);
        });
        return app;
    }
}
