using Klusterkluck.Functions;
using Microsoft.AspNetCore.StaticFiles;

namespace Klusterkluck.Worker.Runtime.Static;

/// <summary>
/// Serves the files of the commit under the configured root. Nothing under .git or the build's .klusterkluck, not the
/// repository's klusterkluck.yaml (its env may hold settings), and nothing that resolves
/// (through "..", encoded slashes or symlinks) outside the root is ever served.
/// </summary>
public sealed class StaticRuntime(LoadedFunction function) : IFunctionRuntime
{
    private const string IndexFile = "index.html";
    private static readonly FileExtensionContentTypeProvider s_contentTypes = new();
    private readonly string _root = function.RootDirectory;
    private readonly string _realRoot = PathGuard.RealPath(function.RootDirectory)!;
    // A built tree has no .git, a checkout no .klusterkluck: a folder that is not there holds nothing to refuse.
    private readonly string _realGit = RealOrFull(Path.Combine(function.Directory, ".git"));
    private readonly string _realConfig = PathGuard.RealPath(Path.Combine(function.Directory, FunctionConfig.FileName))!;
    private readonly string _realBuild = RealOrFull(Path.Combine(function.Directory, BuildLayout.Folder));

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
                var folder = segments.Length > 0 ? Uri.EscapeDataString(segments[^1]) : ".";
                context.Response.Redirect($"{folder}/{context.Request.QueryString}");
                return;
            }
            path = Path.Combine(path, IndexFile);
        }

        if (!IsServable(path))
        {
            await NotFoundAsync(context);
            return;
        }

        var contentType = s_contentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";
        var info = new FileInfo(path);
        await TypedResults.PhysicalFile(path, contentType, lastModified: info.LastWriteTimeUtc, enableRangeProcessing: true)
            .ExecuteAsync(context);
    }

    /// <summary>Decided on the real path: a symlink inside the root may point anywhere.</summary>
    private bool IsServable(string path) =>
        File.Exists(path)
        && PathGuard.RealPath(path) is { } real
        && PathGuard.IsWithin(_realRoot, real)
        && !PathGuard.IsWithin(_realGit, real)
        && !PathGuard.IsWithin(_realBuild, real)
        && real != _realConfig;

    private static string RealOrFull(string path) => PathGuard.RealPath(path) ?? Path.GetFullPath(path);

    private static Task NotFoundAsync(HttpContext context) =>
        FunctionProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
