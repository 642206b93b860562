using System.CommandLine;
using Klusterkluck.Cli.Terminal;

namespace Klusterkluck.Cli.SignIn;

/// <summary>
/// kk git-credential get|store|erase: git's credential helper protocol (key=value lines on standard
/// input, an empty line or the end to finish). <c>get</c> answers the stored username and a fresh
/// access token for the server git is talking to, which the git endpoint takes as a password;
/// <c>store</c> and <c>erase</c> are no-ops, since kk keeps its sign-in itself. kk fn new and kk fn
/// clone set it up for their repository's URL only.
/// </summary>
public static class GitCredentialCommand
{
    public static Command Build()
    {
        var operation = new Argument<string>("operation") { Description = "get, store or erase (git says which)" };
        operation.AcceptOnlyFromAmong("get", "store", "erase");
        var command = new Command("git-credential", """
            git's credential helper: a plain git push or pull authenticates with your kk sign-in.
            kk fn new and kk fn clone set it up in the clone, for the function's repository URL only.

            Example (what they write into the clone's .git/config):
              git config credential.http://localhost:8080/git/alice/hello.git.helper '!kk git-credential'
            """) { Hidden = false };
        command.Arguments.Add(operation);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(operation) != "get")
            {
                await Console.In.ReadToEndAsync(cancellationToken);
                return ExitCodes.Success;
            }
            var request = await ReadAsync(Console.In, cancellationToken);
            if (!request.TryGetValue("protocol", out var protocol) || !request.TryGetValue("host", out var host))
            {
                return ExitCodes.Success;
            }
            var store = new CredentialStore(CredentialStore.DefaultFolder(Environment.GetEnvironmentVariable));
            // The servers kk has a sign-in for, and KK_SERVER when a job gives its token in KK_TOKEN.
            var servers = store.Read().Servers.Keys.ToList();
            if (Environment.GetEnvironmentVariable("KK_TOKEN") is { Length: > 0 }
                && ServerAddress.Normalize(Environment.GetEnvironmentVariable("KK_SERVER")) is { } environmentServer)
            {
                servers.Add(environmentServer);
            }
            var server = ServerFor(servers, protocol, host, request.GetValueOrDefault("path"));
            if (server is null)
            {
                // Not a server kk signed in to: say nothing, and git asks elsewhere.
                return ExitCodes.Success;
            }
            using var kk = new CliContext(parse, server);
            if (await kk.Tokens.AccessTokenAsync(cancellationToken) is not { } token)
            {
                return ExitCodes.Success;
            }
            // The git endpoint takes an access token as the password with any username.
            await Console.Out.WriteAsync($"username={kk.Tokens.Username ?? "kk"}\npassword={token}\n\n");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<Dictionary<string, string>> ReadAsync(TextReader input, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await input.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }
        return values;
    }

    /// <summary>The signed-in server git's request is for: same scheme and host, and the longest path that prefixes the request's.</summary>
    internal static string? ServerFor(IEnumerable<string> servers, string protocol, string host, string? path) =>
        servers
            .Select(server => (Server: server, Uri: new Uri(server)))
            .Where(s => s.Uri.Scheme == protocol.ToLowerInvariant() && s.Uri.Authority.Equals(host, StringComparison.OrdinalIgnoreCase)
                && (path is null || ("/" + path.TrimStart('/')).StartsWith(s.Uri.AbsolutePath.TrimEnd('/') + "/", StringComparison.Ordinal)
                    || s.Uri.AbsolutePath == "/"))
            .OrderByDescending(s => s.Uri.AbsolutePath.Length)
            .Select(s => s.Server)
            .FirstOrDefault();
}
