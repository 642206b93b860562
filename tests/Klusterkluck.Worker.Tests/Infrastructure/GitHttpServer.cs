using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Worker.Tests.Infrastructure;

/// <summary>
/// Git's smart HTTP protocol served by git's own CGI program (git http-backend) behind HTTP Basic
/// authentication, so that fetching with a token goes through the real protocol and a real 401.
/// </summary>
public static class GitHttpServer
{
    /// <summary>Serves the repositories under <paramref name="projectRoot"/> to requests whose Basic password is <paramref name="token"/>.</summary>
    public static Task<LoopbackServer> StartAsync(string projectRoot, string token) =>
        LoopbackServer.StartAsync(app => app.Map("/{**path}", async (HttpContext context) =>
        {
            if (!IsAuthorized(context.Request, token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
                return;
            }
            await RunBackendAsync(context, projectRoot);
        }));

    private static bool IsAuthorized(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }
        var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        return credentials.Split(':', 2) is [_, var password] && password == token;
    }

    private static async Task RunBackendAsync(HttpContext context, string projectRoot)
    {
        var request = context.Request;
        var info = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment["GIT_PROJECT_ROOT"] = projectRoot;
        info.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        info.Environment["REQUEST_METHOD"] = request.Method;
        info.Environment["PATH_INFO"] = request.Path.Value;
        info.Environment["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        info.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        info.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        info.Environment["REMOTE_USER"] = "git";
        using var git = Process.Start(info)!;
        await request.Body.CopyToAsync(git.StandardInput.BaseStream);
        git.StandardInput.Close();

        // CGI: header lines, a blank line, then the body.
        var output = git.StandardOutput.BaseStream;
        var line = new StringBuilder();
        while (true)
        {
            var b = output.ReadByte();
            if (b < 0)
            {
                break;
            }
            if (b != '\n')
            {
                line.Append((char)b);
                continue;
            }
            var header = line.ToString().TrimEnd('\r');
            line.Clear();
            if (header.Length == 0)
            {
                break;
            }
            var (name, value) = (header[..header.IndexOf(':')], header[(header.IndexOf(':') + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.Append(name, value);
            }
        }
        await output.CopyToAsync(context.Response.Body);
        await git.WaitForExitAsync();
    }
}
