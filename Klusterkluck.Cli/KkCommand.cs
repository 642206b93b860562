using System.CommandLine;
using Klusterkluck.Cli.Flows;
using Klusterkluck.Cli.Functions;
using Klusterkluck.Cli.SignIn;
using Klusterkluck.Cli.Terminal;
using Spectre.Console;

namespace Klusterkluck.Cli;

/// <summary>kk's command tree, and how a command line becomes an exit code.</summary>
public static class KkCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            kk: Klusterkluck from a terminal. Functions, their deploys and logs, flows, and git without passwords.

            Start with:
              kk register --server http://localhost:8080
              kk fn new hello --kind nodejs
            """);
        root.Options.Add(GlobalOptions.Server);
        root.Options.Add(GlobalOptions.Output);
        root.Options.Add(GlobalOptions.Verbose);
        foreach (var command in SignInCommands.All())
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(FunctionCommands.Build());
        root.Subcommands.Add(FlowCommands.Build());
        root.Subcommands.Add(ConnectorCommands.Build());
        root.Subcommands.Add(Usage.UsageCommand.Build());
        root.Subcommands.Add(GitCredentialCommand.Build());
        root.Subcommands.Add(CompletionCommand.Build());
        ExampleHelp.Install(root);
        return root;
    }

    /// <summary>System.CommandLine's message for a command group run without one of its commands.</summary>
    private const string NoSubcommand = "Required command was not provided.";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not ExampleHelp)
        {
            var errors = parse.Errors.Where(e => e.Message != NoSubcommand).ToList();
            if (errors.Count == 0)
            {
                // "kk" or "kk fn" alone: the list of what it can do is the answer.
                await root.Parse([.. PathOf(parse.CommandResult.Command).Split(' ').Skip(1), "--help"]).InvokeAsync();
                return ExitCodes.Usage;
            }
            // Exit 2 for wrong usage (System.CommandLine's own default is 1, which kk keeps for refusals).
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"kk: {error.Message}");
            }
            await Console.Error.WriteLineAsync($"Run '{PathOf(parse.CommandResult.Command)} --help' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync();
    }

    /// <summary>"kk fn deploy": the words that name a command (the root is kk whatever the executable is called).</summary>
    private static string PathOf(Command command)
    {
        var words = new List<string>();
        for (Symbol? symbol = command; symbol is Command { } current and not RootCommand; symbol = current.Parents.FirstOrDefault())
        {
            words.Insert(0, current.Name);
        }
        return string.Join(' ', words.Prepend("kk"));
    }

    /// <summary>A command with kk's way of running: a <see cref="CliContext"/>, messages instead of stack traces, and the exit codes.</summary>
    public static Command Command(string name, string description, Func<ParseResult, CliContext, CancellationToken, Task<int>> run)
    {
        var command = new Command(name, description);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, run));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken,
        Func<ParseResult, CliContext, CancellationToken, Task<int>> run)
    {
        CliContext? context = null;
        try
        {
            context = new CliContext(parse);
            return await run(parse, context, cancellationToken);
        }
        catch (CliException e)
        {
            var error = context?.Output.Error ?? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(Console.Error) });
            error.MarkupLine($"[red]Error:[/] {Markup.Escape(e.Message)}");
            foreach (var detail in e.Details)
            {
                error.MarkupLine($"  {Markup.Escape(detail)}");
            }
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            context?.Dispose();
        }
    }
}
