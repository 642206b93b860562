using System.CommandLine;
using Spectre.Console;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.Functions;

/// <summary>kk fn deploy and kk fn rollback: put a commit in service and follow it until it serves or fails.</summary>
public static class DeployCommands
{
    public static Command Deploy() => Build("deploy", """
        Deploy a commit (default: the head of main) and wait until it serves; a failed deploy says why, with the build's and replicas' last lines.

        Examples:
          kk fn deploy hello
          kk fn deploy hello 1a2b3c4
        """, async (kk, name, cancellationToken) =>
    {
        var head = kk.Ok(await kk.Platform.VersionsAsync(name, 1, cancellationToken));
        return head.Count > 0 ? head[0].Sha : throw new CliException(ExitCodes.Refused, $"{name}'s main branch has no commit.");
    });

    public static Command Rollback() => Build("rollback", """
        Deploy an earlier commit (default: the one before the commit that serves now, in main's history) and wait until it serves.

        Examples:
          kk fn rollback hello
          kk fn rollback hello 1a2b3c4
        """, async (kk, name, cancellationToken) =>
    {
        var versions = kk.Ok(await kk.Platform.VersionsAsync(name, 1000, cancellationToken));
        var deployed = versions.FindIndex(v => v.Deployed);
        if (deployed < 0)
        {
            throw new CliException(ExitCodes.Refused, $"{name} serves no commit of its main branch: name the commit to roll back to.");
        }
        return deployed + 1 < versions.Count
            ? versions[deployed + 1].Sha
            : throw new CliException(ExitCodes.Refused, $"{Show.Short(versions[deployed].Sha)} is {name}'s first commit: there is nothing before it.");
    });

    private static Command Build(string verb, string description, Func<CliContext, string, CancellationToken, Task<string>> defaultCommit)
    {
        var name = FunctionCommands.NameArgument();
        var sha = new Argument<string?>("sha") { Description = "The commit (4 to 40 hex digits)", Arity = ArgumentArity.ZeroOrOne };
        var noWait = new Option<bool>("--no-wait") { Description = "Start the deploy and return" };
        var timeout = FunctionCommands.TimeoutOption();
        var command = KkCommand.Command(verb, description, async (parse, kk, cancellationToken) =>
        {
            var functionName = parse.GetValue(name)!;
            var commit = parse.GetValue(sha) ?? await defaultCommit(kk, functionName, cancellationToken);
            var started = kk.Ok(await kk.Platform.DeployAsync(functionName, commit, cancellationToken));
            var function = parse.GetValue(noWait)
                ? started
                : await DeployWatch.UntilDoneAsync(kk, functionName, started.Deployment.Commit, parse.GetValue(timeout), cancellationToken);
            kk.Output.Write(function, f => kk.Output.Out.MarkupLine(parse.GetValue(noWait)
                ? $"Deploying {Show.Short(f.Deployment.Commit)} to {Show.Escape(f.Name)}."
                : $"{Show.Escape(f.Name)} serves {Show.Short(f.Deployment.Commit)}: {Show.State(f.State)} at {Show.Escape(f.Url)}"));
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Arguments.Add(sha);
        command.Options.Add(noWait);
        command.Options.Add(timeout);
        return command;
    }
}
