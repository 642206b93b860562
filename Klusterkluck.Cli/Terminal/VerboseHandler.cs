using System.Diagnostics;
using Spectre.Console;

namespace Klusterkluck.Cli.Terminal;

/// <summary>--verbose: each request and its answer on standard error. The Authorization header is named, never shown.</summary>
public sealed class VerboseHandler(IAnsiConsole error) : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = request.Headers.Authorization is null ? "" : $" (with a {request.Headers.Authorization.Scheme.ToLowerInvariant()} token)";
        error.MarkupLine($"[grey]> {request.Method} {Markup.Escape(request.RequestUri?.ToString() ?? "")}{auth}[/]");
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            error.MarkupLine($"[grey]< {(int)response.StatusCode} {Markup.Escape(response.ReasonPhrase ?? "")} in {clock.ElapsedMilliseconds} ms[/]");
            return response;
        }
        catch (HttpRequestException e)
        {
            error.MarkupLine($"[grey]< no answer after {clock.ElapsedMilliseconds} ms: {Markup.Escape(e.Message)}[/]");
            throw;
        }
    }
}
