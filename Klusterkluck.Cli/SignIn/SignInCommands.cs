using System.CommandLine;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.SignIn;

/// <summary>kk login, register, logout and whoami: a sign-in per server, kept in the credential file.</summary>
public static class SignInCommands
{
    private static readonly Option<string?> s_username = new("--username", "-u") { Description = "Your username (asked when not given)" };

    private static readonly Option<bool> s_passwordStdin = new("--password-stdin")
    {
        Description = "Read the password from standard input (its first line), for scripts: nothing is asked",
    };

    public static IEnumerable<Command> All() => [Login(), Register(), Logout(), WhoAmI()];

    private static Command Login()
    {
        var command = KkCommand.Command("login", """
            Sign in to a server; later commands use this sign-in (and this server) until kk logout.
            The tokens are kept in $XDG_CONFIG_HOME/klusterkluck/credentials.json (mode 0600) and renewed as they expire.

            Examples:
              kk login --server http://localhost:8080 -u alice
              echo "$PASSWORD" | kk login -u alice --password-stdin
            """, async (parse, kk, cancellationToken) =>
        {
            var username = parse.GetValue(s_username) ?? Ask(kk, "Username:");
            var password = Password(parse, kk);
            return await SignInAsync(kk, username, password, cancellationToken);
        });
        command.Options.Add(s_username);
        command.Options.Add(s_passwordStdin);
        return command;
    }

    private static Command Register()
    {
        var email = new Option<string?>("--email") { Description = "Your e-mail address (asked when not given)" };
        var invite = new Option<string?>("--invite") { Description = "An invite code, when the server asks for one" };
        var command = KkCommand.Command("register", """
            Create an account on a server and sign in to it.

            Examples:
              kk register --server http://localhost:8080 -u alice --email alice@example.com
              echo "$PASSWORD" | kk register -u alice --email alice@example.com --password-stdin
            """, async (parse, kk, cancellationToken) =>
        {
            var username = parse.GetValue(s_username) ?? Ask(kk, "Username:");
            var address = parse.GetValue(email) ?? Ask(kk, "E-mail:");
            var password = Password(parse, kk, confirm: true);
            var user = kk.Ok(await kk.Auth.RegisterAsync(new NewUser(username, password, address, parse.GetValue(invite)), cancellationToken));
            kk.Output.Note($"Registered [bold]{Markup.Escape(user.Username)}[/] at {Markup.Escape(kk.Server)}.");
            return await SignInAsync(kk, username, password, cancellationToken);
        });
        command.Options.Add(s_username);
        command.Options.Add(email);
        command.Options.Add(s_passwordStdin);
        command.Options.Add(invite);
        return command;
    }

    private static Command Logout() => KkCommand.Command("logout", """
        Forget the sign-in to the server (its tokens are deleted from the credential file).

        Example:
          kk logout
        """, (parse, kk, cancellationToken) =>
    {
        var had = false;
        kk.Store.Update(file =>
        {
            had = file.Servers.ContainsKey(kk.Server);
            var servers = new Dictionary<string, StoredSignIn>(file.Servers);
            servers.Remove(kk.Server);
            return new CredentialFile(file.Current == kk.Server ? null : file.Current, servers);
        });
        kk.Output.Note(had ? $"Signed out of {Markup.Escape(kk.Server)}." : $"You were not signed in to {Markup.Escape(kk.Server)}.");
        return Task.FromResult(ExitCodes.Success);
    });

    private static Command WhoAmI() => KkCommand.Command("whoami", """
        Who you are on the server, as its tokens say.

        Example:
          kk whoami -o json
        """, async (parse, kk, cancellationToken) =>
    {
        var me = kk.Ok(await kk.Platform.WhoAmIAsync(cancellationToken));
        kk.Output.Write(me, m => kk.Output.Out.MarkupLine(
            $"[bold]{Markup.Escape(m.Username)}[/]{(m.Email is null ? "" : $" <{Markup.Escape(m.Email)}>")} on {Markup.Escape(kk.Server)}"
            + $" (tenant {Markup.Escape(m.Tenant)}, {Markup.Escape(m.Provider)} sign-in{(m.Roles.Count > 0 ? ", roles " + Markup.Escape(string.Join(", ", m.Roles)) : "")})"));
        return ExitCodes.Success;
    });

    private static async Task<int> SignInAsync(CliContext kk, string username, string password, CancellationToken cancellationToken)
    {
        var tokens = kk.Ok(await kk.Auth.LoginAsync(username, password, cancellationToken));
        kk.Store.Update(file => new CredentialFile(kk.Server, new(file.Servers) { [kk.Server] = StoredTokens.FromTokens(username, tokens) }));
        kk.Output.Note($"Signed in to {Markup.Escape(kk.Server)} as [bold]{Markup.Escape(username)}[/].");
        return ExitCodes.Success;
    }

    private static string Ask(CliContext kk, string question) => kk.CanAsk
        ? kk.Output.Error.Prompt(new TextPrompt<string>(question))
        : throw CliException.Usage($"{question.TrimEnd(':')} is needed, and there is no terminal to ask it on: pass it as an option.");

    private static string Password(ParseResult parse, CliContext kk, bool confirm = false)
    {
        if (parse.GetValue(s_passwordStdin))
        {
            return Console.In.ReadLine() is { Length: > 0 } line ? line.TrimEnd('\r') : throw CliException.Usage("--password-stdin: standard input held no password.");
        }
        if (!kk.CanAsk)
        {
            throw CliException.Usage("A password is needed, and there is no terminal to ask it on: pass it with --password-stdin.");
        }
        var password = kk.Output.Error.Prompt(new TextPrompt<string>("Password:").Secret());
        if (confirm && kk.Output.Error.Prompt(new TextPrompt<string>("Again:").Secret()) != password)
        {
            throw new CliException(ExitCodes.Usage, "The two passwords differ.");
        }
        return password;
    }
}
