using System.CommandLine;
using Klusterkluck.Cli.SignIn;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;

namespace Klusterkluck.Cli;

/// <summary>What a command runs with: the server it talks to, its clients, the output, and the terminal.</summary>
public sealed class CliContext : IDisposable
{
    private readonly HttpClient _http;

    public CliContext(ParseResult parse, string? server = null)
    {
        var color = Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 };
        var terminal = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
        Output = new Output(Console.Out, Console.Error, parse.GetValue(GlobalOptions.Output), terminal, color);
        CanAsk = terminal && !Console.IsInputRedirected;
        Store = new CredentialStore(CredentialStore.DefaultFolder(Environment.GetEnvironmentVariable));
        var named = server ?? parse.GetValue(GlobalOptions.Server) ?? Environment.GetEnvironmentVariable("KK_SERVER");
        Server = named is null
            ? Store.Read().Current ?? ServerAddress.Default
            : ServerAddress.Normalize(named) ?? throw CliException.Usage($"'{named}' is not an http:// or https:// address.");
        HttpMessageHandler handler = parse.GetValue(GlobalOptions.Verbose)
            ? new VerboseHandler(Output.Error)
            : new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler) { BaseAddress = new Uri(Server + "/"), Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"kk/{Version}");
        Auth = new AuthClient(_http);
        var token = Environment.GetEnvironmentVariable("KK_TOKEN") is { Length: > 0 } set ? set : null;
        Tokens = new StoredTokens(Server, Store, Auth, token);
        Platform = new PlatformClient(_http, Tokens);
    }

    public static string Version { get; } = typeof(CliContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Output Output { get; }

    /// <summary>A person can answer a question: both the input and the output are a terminal.</summary>
    public bool CanAsk { get; }

    public string Server { get; }

    public CredentialStore Store { get; }

    public AuthClient Auth { get; }

    public StoredTokens Tokens { get; }

    public PlatformClient Platform { get; }

    /// <summary>The value of a call, or the command ends with the problem the server gave (exit 1), or exit 3 when it did not answer or no one is signed in.</summary>
    public T Ok<T>(ApiResult<T> result) => result.Problem is { } problem ? throw Fail(problem) : result.Value!;

    public CliException Fail(ApiProblem problem)
    {
        if (problem.Status == 0)
        {
            return new CliException(ExitCodes.Unreachable, $"Cannot reach {Server}: {problem.Detail}");
        }
        if (ReferenceEquals(problem, Tokens.SignedOut))
        {
            return Tokens.RenewalProblem is { } renewal
                ? renewal.Status == 0
                    ? new CliException(ExitCodes.Unreachable, $"Cannot reach {Server}: {renewal.Detail}")
                    : new CliException(ExitCodes.Unreachable, $"Your sign-in to {Server} has ended ({renewal.Title}): run kk login --server {Server}.")
                : new CliException(ExitCodes.Unreachable, $"{problem.Title}: {problem.Detail}");
        }
        return new CliException(ExitCodes.Refused, problem.Detail is { Length: > 0 } detail && detail != problem.Title ? $"{problem.Title}: {detail}" : problem.Title,
            problem.Errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")).ToList());
    }

    public void Dispose()
    {
        Output.Flush();
        _http.Dispose();
    }
}
