using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Klusterkluck.Cli;

/// <summary>
/// --help with examples: a command's description is written with its "Examples:" paragraph, which
/// this moves out of the description (so lists of commands show one line each) and prints at the end
/// of that command's help, as git and kubectl do.
/// </summary>
public sealed class ExampleHelp(HelpAction inner, IReadOnlyDictionary<Command, string> examples) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var exit = inner.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var text))
        {
            parseResult.InvocationConfiguration.Output.WriteLine(text);
            parseResult.InvocationConfiguration.Output.WriteLine();
        }
        return exit;
    }

    public static void Install(RootCommand root)
    {
        var examples = new Dictionary<Command, string>();
        Collect(root, examples);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExampleHelp((HelpAction)help.Action!, examples);
    }

    private static void Collect(Command command, Dictionary<Command, string> examples)
    {
        var description = command.Description ?? "";
        var start = description.IndexOf("\n\nExample", StringComparison.Ordinal);
        if (start >= 0)
        {
            examples[command] = description[(start + 2)..].TrimEnd();
            command.Description = description[..start].Replace("\n", " ");
        }
        foreach (var child in command.Subcommands)
        {
            Collect(child, examples);
        }
    }
}
