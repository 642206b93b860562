using System.CommandLine;
using Spectre.Console;

namespace Klusterkluck.Cli.Terminal;

/// <summary>What every delete command shares: --yes, and the question asked without it (never where no one can answer).</summary>
public static class Deletion
{
    public static readonly Option<bool> Yes = new("--yes", "-y") { Description = "Do not ask first (needed where there is no terminal)" };

    /// <summary>True to go ahead: --yes was given, or the person at the terminal said yes to <paramref name="question"/>.</summary>
    public static async Task<bool> ConfirmedAsync(ParseResult parse, CliContext kk, string what, string question, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Yes))
        {
            return true;
        }
        if (!kk.CanAsk)
        {
            throw CliException.Usage($"Deleting {what} needs --yes where there is no terminal to ask on.");
        }
        return await kk.Output.Error.ConfirmAsync(Markup.Escape(question), defaultValue: false, cancellationToken: cancellationToken);
    }
}
