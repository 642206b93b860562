using Klusterkluck.Functions;
using Klusterkluck.Api.Runtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Gateway;

/// <summary>
/// The gateway's answer when no replica serves a function: it does not exist, or its deploy is
/// not ready. Only its owner (or anyone, for a public function) learns which: everyone else gets
/// what the function's worker tells them when it does serve — a 401 without a valid token, a 404
/// with another user's — so a stranger cannot tell a missing function from a private one. Off
/// the hot path: a serving function never gets here, so the token check costs it nothing.
/// </summary>
internal static class NotServing
{
    public static async Task AnswerAsync(HttpContext context, FunctionId id, IServiceScopeFactory scopes)
    {
        if (await AdmitsAsync(context, id, scopes))
        {
            context.Response.Headers.RetryAfter = "1";
            await context.WriteProblemAsync(StatusCodes.Status503ServiceUnavailable, "Function not serving", "No replica is ready yet; try again in a moment.");
        }
    }

    /// <summary>A cold start that failed: why, to those who may know the function exists, and when to try again.</summary>
    public static Task ColdStartFailedAsync(HttpContext context, string reason)
    {
        context.Response.Headers.RetryAfter = "5";
        return context.WriteProblemAsync(StatusCodes.Status503ServiceUnavailable, "Function not serving", $"It could not start: {reason}");
    }

    /// <summary>
    /// True for the owner, and for anyone when the function is public; otherwise answers as the
    /// worker would (401 without a valid token, 404 with another user's) and returns false. A
    /// function at zero is woken only after this: a stranger can neither start another user's
    /// workers nor time a start to learn that a private function exists.
    /// </summary>
    public static async Task<bool> AdmitsAsync(HttpContext context, FunctionId id, IServiceScopeFactory scopes)
    {
        Function? stored;
        await using (var scope = scopes.CreateAsyncScope())
        {
            stored = await scope.ServiceProvider.GetRequiredService<StoreContext>().Functions.AsNoTracking()
                .SingleOrDefaultAsync(f => f.Owner == id.User && f.Name == id.Name, context.RequestAborted);
        }
        if (stored is not { Public: true })
        {
            var caller = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!caller.Succeeded)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.WriteProblemAsync(StatusCodes.Status401Unauthorized, FunctionRefusals.TokenRequired,
                    caller.Failure is null ? null : FunctionRefusals.TokenInvalid);
                return false;
            }
            if (caller.Principal.Identity?.Name != id.User)
            {
                await context.WriteProblemAsync(StatusCodes.Status404NotFound, FunctionRefusals.Unknown, null);
                return false;
            }
            if (stored is null)
            {
                await context.WriteProblemAsync(StatusCodes.Status404NotFound, FunctionRefusals.Unknown, $"You have no function named '{id.Name}'.");
                return false;
            }
        }
        return true;
    }
}
