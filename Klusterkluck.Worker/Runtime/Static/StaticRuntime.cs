using Klusterkluck.Functions;
using Microsoft.AspNetCore.StaticFiles;

namespace Klusterkluck.Worker.Runtime.Static;

/// <summary>
/// Serves the files of the commit under the configured root. Nothing under .git and nothing that
/// resolves (through "..", encoded slashes or symlinks) outside the root is ever served.
/// </summary>
public sealed class StaticRuntime(LoadedFunction function) : IFunctionRuntime
{
    private const string IndexFile = "index.html";
    private static readonly FileExtensionContentTypeProvider s_contentTypes = new();
    private readonly string _root = function.RootDirectory;

    public bool IsReady => true;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await FunctionProblems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Static functions only answer GET and HEAD");
            return;
        }

        var relative = context.Request.Path.Value ?? "/";
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(segment => segment is "." or ".." || segment.Contains('\\') || segment.Contains('\0')
            || segment.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            await NotFoundAsync(context);
            return;
        }

        var path = Path.Combine([_root, .. segments]);
        if (Directory.Exists(path))
        {
            if (!relative.EndsWith('/'))
            {
                // Relative links in the folder's index.html only resolve under a trailing slash.
                context.Response.Redirect($"{(segments.Length > 0 ? segments[^1] : ".")}/{context.Request.QueryString}");
                return;
            }
            path = Path.Combine(path, IndexFile);
        }

        if (!File.Exists(path) || !PathGuard.IsInside(_root, path) || IsInsideGit(path))
        {
            await NotFoundAsync(context);
            return;
        }

        var contentType = s_contentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";
        var info = new FileInfo(path);
        await TypedResults.PhysicalFile(path, contentType, lastModified: info.LastWriteTimeUtc, enableRangeProcessing: true)
            .ExecuteAsync(context);
    }

    /// <summary>A symlink inside the root may still point into the repository's .git folder.</summary>
    private bool IsInsideGit(string path)
    {
        var gitFolder = Path.Combine(function.Directory, ".git");
        return PathGuard.IsInside(gitFolder, path);
    }

    private static Task NotFoundAsync(HttpContext context) =>
        FunctionProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
