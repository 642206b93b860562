using System.CommandLine;
using Klusterkluck.Cli.Terminal;

namespace Klusterkluck.Cli;

/// <summary>
/// kk completion bash|zsh: a script that asks kk itself for completions through System.CommandLine's
/// [suggest] directive (what dotnet-suggest uses), so no other tool is needed.
/// </summary>
public static class CompletionCommand
{
    public static Command Build()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", """
            Print a shell completion script for kk.

            Examples:
              source <(kk completion bash)        # now, in this shell
              kk completion bash >> ~/.bashrc     # in every new one
              kk completion zsh >> ~/.zshrc
            """);
        command.Arguments.Add(shell);
        command.SetAction(parse =>
        {
            Console.Out.Write(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Success;
        });
        return command;
    }

    private const string Bash = """
        # kk completion for bash: kk answers through its [suggest] directive.
        _kk_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$(kk "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _kk_complete kk

        """;

    private const string Zsh = """
        # kk completion for zsh: kk answers through its [suggest] directive.
        _kk_complete() {
          local -a suggestions
          suggestions=("${(@f)$(kk "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
          compadd -a suggestions
        }
        compdef _kk_complete kk

        """;
}
