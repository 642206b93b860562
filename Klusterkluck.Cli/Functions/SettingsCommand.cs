using System.CommandLine;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.Functions;

/// <summary>kk fn set: changes a function's settings (PATCH), then follows the redeploy that puts them in force.</summary>
public static class SettingsCommand
{
    public static Command Build()
    {
        var name = FunctionCommands.NameArgument();
        var isPublic = new Option<bool?>("--public") { Description = "true: answer without a token; false: only with one" };
        var min = new Option<int?>("--min-replicas") { Description = "The fewest replicas; 0: none while idle" };
        var max = new Option<int?>("--max-replicas") { Description = "The most replicas autoscaling may run (0: no upper bound, no autoscaling)" };
        var target = new Option<int?>("--target-concurrency") { Description = "Requests in flight per replica autoscaling aims at (0: off)" };
        var idle = new Option<int?>("--idle-timeout") { Description = "Seconds without a request before a function with no minimum has no replica", HelpName = "seconds" };
        var throttle = new ThrottleOptions();
        var noWait = new Option<bool>("--no-wait") { Description = "Change them and return" };
        var timeout = FunctionCommands.TimeoutOption();
        var command = KkCommand.Command("set", """
            Change a function's settings; the ones not given stay. The serving commit is deployed again with them (blue/green: it keeps answering);
            a throttle is in force at once (only one that appears or goes redeploys).

            Examples:
              kk fn set hello --min-replicas 0 --idle-timeout 60
              kk fn set hello --max-replicas 5 --target-concurrency 10
              kk fn set site --public true
              kk fn set hello --rate-limit 100 --max-in-flight 20
              kk fn set hello --rate-limit 1000 --per 60
            """, async (parse, kk, cancellationToken) =>
        {
            var settings = new FunctionSettings(parse.GetValue(isPublic), parse.GetValue(min), parse.GetValue(max), parse.GetValue(target), parse.GetValue(idle),
                parse.GetValue(throttle.RateLimit), parse.GetValue(throttle.Per), parse.GetValue(throttle.MaxInFlight));
            if (settings == new FunctionSettings())
            {
                throw CliException.Usage("Name at least one setting to change (kk fn set --help lists them).");
            }
            var functionName = parse.GetValue(name)!;
            var function = kk.Ok(await kk.Platform.UpdateAsync(functionName, settings, cancellationToken));
            // A change of limits alone deploys nothing; anything else is followed as a deploy is.
            if (function.Deployment.Status is "deploying" or "building" && !parse.GetValue(noWait))
            {
                function = await DeployWatch.UntilDoneAsync(kk, functionName, function.Deployment.Commit, parse.GetValue(timeout), cancellationToken);
            }
            kk.Output.Write(function, f => kk.Output.Out.MarkupLine($"{Show.Escape(f.Name)}'s settings are in force: {Show.State(f.State)}."));
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        foreach (var option in (Option[])[isPublic, min, max, target, idle, .. throttle.All, noWait, timeout])
        {
            command.Options.Add(option);
        }
        return command;
    }
}
