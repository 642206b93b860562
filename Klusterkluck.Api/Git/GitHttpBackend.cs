using System.Diagnostics;
using System.Text;

namespace Klusterkluck.Api.Git;

/// <summary>
/// Git's own smart-HTTP server, <c>git http-backend</c>, run as a CGI program per request: the
/// request body is its stdin, its stdout is a CGI response (headers, blank line, body). Both are
/// streamed, so a large clone or push never sits in the Api's memory.
/// </summary>
public sealed partial class GitHttpBackend(Microsoft.Extensions.Options.IOptions<LimitsOptions> limits, ILogger<GitHttpBackend> logger)
{
    public async Task RunAsync(HttpContext context, string projectRoot, string pathInfo, string remoteUser)
    {
        using var span = Hosting.ApiTelemetry.Git.StartActivity(Operation(pathInfo, context.Request.QueryString.Value))
            ?.SetTag(Hosting.ApiTelemetry.User, remoteUser).SetTag("git.path", pathInfo);
        var request = context.Request;
        var info = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("http-backend");
        info.Environment.Clear();
        var cgi = info.Environment;
        cgi["PATH"] = Environment.GetEnvironmentVariable("PATH");
        cgi["HOME"] = projectRoot;
        // Only the repository's own config counts, never the Api user's or the machine's.
        cgi["GIT_CONFIG_NOSYSTEM"] = "1";
        cgi["GIT_CONFIG_GLOBAL"] = "/dev/null";
        // receive-pack refuses a pack over this before storing any of it; set here, not in each
        // repository, so a changed limit holds for every repository at once.
        cgi["GIT_CONFIG_COUNT"] = "1";
        cgi["GIT_CONFIG_KEY_0"] = "receive.maxInputSize";
        cgi["GIT_CONFIG_VALUE_0"] = limits.Value.MaxPushBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        cgi["GIT_PROJECT_ROOT"] = projectRoot;
        cgi["GIT_HTTP_EXPORT_ALL"] = "1";
        cgi["PATH_INFO"] = pathInfo;
        cgi["REQUEST_METHOD"] = request.Method;
        cgi["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        cgi["REMOTE_USER"] = remoteUser;
        cgi["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "";
        cgi["CONTENT_TYPE"] = request.ContentType ?? "";
        if (request.ContentLength is { } length)
        {
            cgi["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        cgi["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        cgi["HTTP_GIT_PROTOCOL"] = request.Headers["Git-Protocol"].ToString();

        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync(context.RequestAborted);
        var input = FeedAsync(request.Body, process.StandardInput.BaseStream, context.RequestAborted);
        try
        {
            var output = process.StandardOutput.BaseStream;
            await WriteHeadersAsync(context.Response, output, context.RequestAborted);
            await output.CopyToAsync(context.Response.Body, context.RequestAborted);
            try
            {
                await input;
            }
            catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
            {
                // git stopped reading (its answer, an error, is already sent) or the client's body broke off.
                LogBackend(logger, pathInfo, $"request body not fully read: {e.Message}");
            }
            await process.WaitForExitAsync(context.RequestAborted);
            if (await errors is { Length: > 0 } stderr)
            {
                LogBackend(logger, pathInfo, stderr.Trim());
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                // upload-pack and pack-objects are children of http-backend.
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task FeedAsync(Stream body, Stream stdin, CancellationToken cancellationToken)
    {
        await using (stdin)
        {
            await body.CopyToAsync(stdin, cancellationToken);
        }
    }

    /// <summary>Reads the CGI header block byte by byte (it is short) and applies it to the response.</summary>
    private static async Task WriteHeadersAsync(HttpResponse response, Stream output, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await output.ReadAsync(one, cancellationToken) == 1)
        {
            if (one[0] != '\n')
            {
                line.Append((char)one[0]);
                continue;
            }
            var header = line.ToString().TrimEnd('\r');
            line.Clear();
            if (header.Length == 0)
            {
                return;
            }
            var colon = header.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var (name, value) = (header[..colon].Trim(), header[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "git http-backend {Path}: {Errors}")]
    private static partial void LogBackend(ILogger logger, string path, string errors);

    /// <summary>The span's name: a push, a fetch (clone, pull), or the refs advertisement before either.</summary>
    private static string Operation(string pathInfo, string? query) =>
        pathInfo.EndsWith("/git-receive-pack", StringComparison.Ordinal) ? "git push"
        : pathInfo.EndsWith("/git-upload-pack", StringComparison.Ordinal) ? "git fetch"
        : query?.Contains("git-receive-pack", StringComparison.Ordinal) == true ? "git refs for push"
        : "git refs";
}
