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

    /// <summary>
    /// A pool worker learns whether its function is private only when it is handed one: its token
    /// check is set up for either, and configured from the options on first use (PoolEndpoint sets them).
    /// </summary>
    public static WebApplicationBuilder AddFunctionAuth(this WebApplicationBuilder builder)
    {
        // The instance AddWorker registered: a pool worker's hand-over writes into it.
        var options = (WorkerOptions)builder.Services.Single(d => d.ServiceType == typeof(WorkerOptions)).ImplementationInstance!;
        builder.Services.AddAuthorization();
        if (!options.IsPrivate && !options.IsPool)
        {
            return builder;
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure(jwt =>
        {
            // A pool worker with no function yet: the issuer it expects, so that its keys are at hand.
            var (authority, audience) = options.IsPrivate ? (options.AuthAuthority, options.AuthAudience) : (options.PoolAuthAuthority, options.PoolAuthAudience);
            jwt.Authority = authority;
            // Plain http is the operator's explicit choice (an in-cluster issuer, loopback in tests).
            jwt.RequireHttpsMetadata = authority?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = !string.IsNullOrEmpty(audience),
                ValidAudience = audience,
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
        // The owner as the options say at each request: a pool worker's are set at the hand-over.
        // A public function (a pool worker's may be) admits anyone, and sees no token (UseFunctionAuth).
        builder.Services.AddAuthorizationBuilder().AddPolicy(WorkerEndpoints.OwnerPolicy, policy => policy
            .RequireAssertion(context => !options.IsPrivate
                || (context.User.Identity?.IsAuthenticated == true && context.User.HasClaim(UsernameClaim, options.Owner ?? ""))));
        return builder;
    }

    /// <summary>
    /// After a pool worker's hand-over to a function that trusts another issuer than the one it
    /// expected: the token check's options were read before (its warm-up, a probe); the next
    /// request reads them again, with the function's.
    /// </summary>
    public static void Reconfigure(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitorCache<JwtBearerOptions>>().TryRemove(JwtBearerDefaults.AuthenticationScheme);

    /// <summary>Adds the auth middleware only for a private function (or a pool worker's, which may turn out private): a public one pays nothing per request.</summary>
    public static WebApplication UseFunctionAuth(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<WorkerOptions>();
        if (options.IsPrivate || options.IsPool)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        app.Use((context, next) =>
        {
            var isPrivate = options.IsPrivate;
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
