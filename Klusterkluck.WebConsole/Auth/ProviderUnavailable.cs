using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.WebConsole.Auth;

/// <summary>
/// When the identity provider cannot be reached (its discovery document does not load), signing in
/// cannot start: the user lands on the signed-out page with that reason, not on a bare 500.
/// </summary>
internal sealed class ProviderUnavailable(RequestDelegate next, ConsoleOptions options, ILogger<ProviderUnavailable> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (ConsolePaths.Owns(context.Request.Path) && !context.Response.HasStarted && IsProviderFailure(e))
        {
            logger.LogWarning(e, "Sign-in could not start: the identity provider at {Authority} did not answer", options.Authority);
            context.Response.Redirect($"{ConsolePaths.SignedOut}?failed={SignInFailure.Unreachable}");
        }
    }

    // IDX20803: "Unable to obtain configuration from …" (Microsoft.IdentityModel's configuration manager).
    private static bool IsProviderFailure(Exception e) =>
        e is HttpRequestException || (e is InvalidOperationException && (e.Message.Contains("IDX20803", StringComparison.Ordinal)
            || e.Message.Contains("authorization endpoint", StringComparison.Ordinal)));
}
