using Klusterkluck.Api.Functions;
using Microsoft.AspNetCore.Http.Features;

namespace Klusterkluck.Api.Git;

/// <summary>
/// Git smart HTTP at <c>/git/{user}/{function}.git</c>: clone, fetch and push with the stock git
/// client. Only the owner gets in; to anyone else another user's repository does not exist (404).
/// </summary>
public static class GitEndpoints
{
    private static readonly string[] s_services = ["git-upload-pack", "git-receive-pack"];

    public static IEndpointConventionBuilder MapGit(this WebApplication app) =>
        app.MapMethods("/git/{user}/{repository}/{**path}", [HttpMethods.Get, HttpMethods.Post], ServeAsync)
            .WithTags("Git")
            .ExcludeFromDescription();

    private static async Task ServeAsync(HttpContext context, string user, string repository, string path,
        GitCredentials credentials, Repositories repositories, GitHttpBackend backend, StoreContext store,
        Microsoft.Extensions.Options.IOptions<LimitsOptions> limits)
    {
        var name = repository.EndsWith(".git", StringComparison.Ordinal) ? repository[..^4] : repository;
        if (!IsSmartHttp(context.Request, path))
        {
            await context.WriteProblemAsync(StatusCodes.Status404NotFound, "Not a git smart-HTTP request",
                "Use git clone, fetch or push with this URL.");
            return;
        }
        var (outcome, caller) = await credentials.CheckAsync(context, user, name);
        switch (outcome)
        {
            case GitCredentials.Outcome.Missing or GitCredentials.Outcome.Invalid:
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"Klusterkluck\", charset=\"UTF-8\"";
                await context.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Credentials required",
                    "Use your username with your password or an access token.");
                return;
            case GitCredentials.Outcome.TooManyAttempts:
                context.Response.Headers.RetryAfter = "60";
                await context.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many attempts", "Wait before trying again.");
                return;
        }
        if (caller!.User != user || !FunctionNameAttribute.IsValidName(name) || await store.Functions.FindAsync([user, name], context.RequestAborted) is null
            || !repositories.Exists(user, name))
        {
            await context.WriteProblemAsync(StatusCodes.Status404NotFound, "Repository not found", $"You have no repository {user}/{name}.git.");
            return;
        }
        if (caller.ReadOnly && IsPush(context.Request, path))
        {
            await context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Read-only credential",
                "This token can clone and fetch the repository, not push to it.");
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // git refuses a pack over Limits:MaxPushBytes itself (GitHttpBackend) and says so to the
            // client; the body's own bound is only a backstop, far enough above that git, not a cut
            // connection ("early EOF"), is what a push just over the limit meets.
            limit.MaxRequestBodySize = 2 * limits.Value.MaxPushBytes + 1024 * 1024;
        }
        await backend.RunAsync(context, repositories.UserRoot(user), $"/{name}.git/{path}", user);
    }

    private static bool IsPush(HttpRequest request, string path) =>
        path == "git-receive-pack" || request.Query["service"].ToString() == "git-receive-pack";

    /// <summary>The three requests of the smart protocol; git's dumb protocol (raw object files) is not served.</summary>
    private static bool IsSmartHttp(HttpRequest request, string path) => path switch
    {
        "info/refs" => HttpMethods.IsGet(request.Method) && s_services.Contains(request.Query["service"].ToString()),
        "git-upload-pack" or "git-receive-pack" => HttpMethods.IsPost(request.Method),
        _ => false,
    };
}
