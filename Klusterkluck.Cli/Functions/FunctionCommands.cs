using System.CommandLine;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.Functions;

/// <summary>kk fn: your functions, their versions and deploys, calls and logs.</summary>
public static class FunctionCommands
{
    internal static Argument<string> NameArgument() => new("name") { Description = "The function's name" };

    internal static Option<TimeSpan> TimeoutOption() => new("--timeout")
    {
        Description = "How long to wait for the deploy (default 5 min)",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        HelpName = "hh:mm:ss",
    };

    public static Command Build()
    {
        var fn = new Command("fn", "Functions: create, list, deploy, roll back, invoke, follow logs, delete.");
        foreach (var command in new[]
        {
            New(), List(), Get(), Versions(), DeployCommands.Deploy(), DeployCommands.Rollback(), SettingsCommand.Build(), InvokeCommand.Build(),
            LogsCommand.Build(), Clone(), Delete(),
        })
        {
            fn.Subcommands.Add(command);
        }
        return fn;
    }

    private static Command New()
    {
        var name = NameArgument();
        var kind = new Option<string>("--kind", "-k") { Description = "The template: nodejs, exec, static or dotnet", Required = true };
        kind.AcceptOnlyFromAmong("nodejs", "exec", "static", "dotnet");
        var isPublic = new Option<bool>("--public") { Description = "Answer calls without a token" };
        var replicas = new Option<int?>("--min-replicas", "--replicas") { Description = "The fewest replicas (default 1); 0: none while idle, one starts on the next request" };
        var maxReplicas = new Option<int?>("--max-replicas") { Description = "Scale out on load up to this many" };
        var target = new Option<int?>("--target-concurrency") { Description = "Requests in flight per replica that autoscaling aims at" };
        var idle = new Option<int?>("--idle-timeout") { Description = "With --min-replicas 0: seconds without a request before it has no replica (default 300)", HelpName = "seconds" };
        var throttle = new ThrottleOptions();
        var noClone = new Option<bool>("--no-clone") { Description = "Do not clone the repository" };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for the first deploy" };
        var timeout = TimeoutOption();
        var command = KkCommand.Command("new", """
            Create a function from its kind's template, clone its repository into ./NAME (kk as its git credential helper,
            so git push needs no password) and wait until its first deploy serves.

            Example:
              kk fn new hello --kind nodejs
            """, async (parse, kk, cancellationToken) =>
        {
            var functionName = parse.GetValue(name)!;
            var folder = Path.GetFullPath(functionName);
            if (!parse.GetValue(noClone) && Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            {
                throw CliException.Usage($"./{functionName} exists and is not empty: run kk fn new from another folder, or pass --no-clone.");
            }
            var request = new NewFunction(functionName, parse.GetValue(kind)!, parse.GetValue(isPublic), parse.GetValue(replicas) ?? 1,
                parse.GetValue(maxReplicas), parse.GetValue(target), parse.GetValue(idle),
                parse.GetValue(throttle.RateLimit), parse.GetValue(throttle.Per), parse.GetValue(throttle.MaxInFlight));
            var function = kk.Ok(await kk.Platform.CreateAsync(request, cancellationToken));
            kk.Output.Note($"Created [bold]{Show.Escape(function.Name)}[/] ({Show.Escape(function.Kind)}).");
            if (!parse.GetValue(noClone))
            {
                await GitClone.CloneAsync(function.GitUrl, folder, cancellationToken);
                kk.Output.Note($"Cloned its repository into ./{Show.Escape(functionName)} (git push there needs no password).");
            }
            if (!parse.GetValue(noWait))
            {
                function = await DeployWatch.UntilDoneAsync(kk, function.Name, function.Deployment.Commit, parse.GetValue(timeout), cancellationToken);
            }
            kk.Output.Write(function, f => kk.Output.Out.MarkupLine(
                $"{Show.Escape(f.Name)} is {Show.State(f.State)} at {Show.Escape(f.Url)}"));
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        foreach (var option in (Option[])[kind, isPublic, replicas, maxReplicas, target, idle, .. throttle.All, noClone, noWait, timeout])
        {
            command.Options.Add(option);
        }
        return command;
    }

    private static Command List() => KkCommand.Command("list", """
        Your functions: kind, state, the commit that serves, replicas and URL.

        Examples:
          kk fn list
          kk fn list -o json
        """, async (parse, kk, cancellationToken) =>
    {
        var functions = kk.Ok(await kk.Platform.FunctionsAsync(cancellationToken));
        kk.Output.Write(functions, list =>
        {
            if (list.Count == 0)
            {
                kk.Output.Note("You have no functions yet: kk fn new NAME --kind nodejs creates one.");
                return;
            }
            var table = Output.Table("Name", "Kind", "State", "Commit", "Replicas", "URL");
            foreach (var f in list)
            {
                table.AddRow(Show.Escape(f.Name), Show.Escape(f.Kind), Show.State(f.State), Show.Short(f.DeployedCommit),
                    $"{f.Instances.Count(i => i.State == "ready")}/{f.Replicas}", Show.Escape(f.Url));
            }
            kk.Output.Render(table);
        });
        return ExitCodes.Success;
    });

    private static Command Get()
    {
        var name = NameArgument();
        var command = KkCommand.Command("get", """
            A function: its state, URLs, the latest deploy and each replica.

            Example:
              kk fn get hello
            """, async (parse, kk, cancellationToken) =>
        {
            var function = kk.Ok(await kk.Platform.FunctionAsync(parse.GetValue(name)!, cancellationToken));
            kk.Output.Write(function, f =>
            {
                var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
                grid.AddRow("[bold]Name[/]", Show.Escape(f.Name));
                grid.AddRow("[bold]Kind[/]", Show.Escape(f.Kind) + (f.Public ? ", public" : ""));
                grid.AddRow("[bold]State[/]", Show.State(f.State));
                grid.AddRow("[bold]Serving[/]", Show.Short(f.DeployedCommit));
                grid.AddRow("[bold]Last deploy[/]", $"{Show.Short(f.Deployment.Commit)} {Show.State(f.Deployment.Status)} {Show.Ago(f.Deployment.UpdatedAt)}"
                    + (f.Deployment.Error is { } error ? $": [red]{Show.Escape(error)}[/]" : ""));
                grid.AddRow("[bold]Replicas[/]", Scale(f));
                if (f.Scale?.LastDecision is { } decision)
                {
                    grid.AddRow("[bold]Last scaled[/]", $"to {decision.Replicas} {Show.Ago(decision.At)}: {Show.Escape(decision.Reason)}");
                }
                if (ThrottleOptions.Describe(f) is { } limits)
                {
                    grid.AddRow("[bold]Throttle[/]", Show.Escape(limits));
                }
                grid.AddRow("[bold]URL[/]", Show.Escape(f.Url));
                grid.AddRow("[bold]Git[/]", Show.Escape(f.GitUrl));
                kk.Output.Render(grid);
                if (f.Instances.Count > 0)
                {
                    kk.Output.Out.WriteLine();
                    var table = Output.Table("Replica", "Commit", "State", "Restarts");
                    foreach (var replica in f.Instances)
                    {
                        table.AddRow($"{replica.Replica}", Show.Short(replica.Commit), Show.State(replica.State), $"{replica.Restarts}");
                    }
                    kk.Output.Render(table);
                }
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        return command;
    }

    /// <summary>"1 ready of 1 wanted (0 to 4, 10 in flight each, idle after 300 s)": now, then the settings.</summary>
    private static string Scale(FunctionInfo f)
    {
        var bounds = f.MaxReplicas is { } max ? $"{f.MinReplicas} to {max}" : $"at least {f.MinReplicas}";
        var settings = new List<string> { bounds };
        if (f.TargetConcurrency is { } target)
        {
            settings.Add($"{target} in flight each");
        }
        if (f.MinReplicas == 0)
        {
            settings.Add($"to zero after {f.IdleTimeoutSeconds} s idle");
        }
        var now = f.Scale is { } scale ? $"{scale.Ready} ready of {scale.Wanted} wanted" + (scale.Starting > 0 ? $", {scale.Starting} starting" : "") : "";
        return $"{now} ({string.Join(", ", settings)})".TrimStart();
    }

    private static Command Versions()
    {
        var name = NameArgument();
        var limit = new Option<int>("--limit", "-n") { Description = "How many, newest first (default 20)", DefaultValueFactory = _ => 20 };
        var command = KkCommand.Command("versions", """
            The commits of the function's main branch, newest first; * marks the one deployed.

            Example:
              kk fn versions hello
            """, async (parse, kk, cancellationToken) =>
        {
            var versions = kk.Ok(await kk.Platform.VersionsAsync(parse.GetValue(name)!, parse.GetValue(limit), cancellationToken));
            kk.Output.Write(versions, list =>
            {
                var table = Output.Table("", "Sha", "When", "Author", "Message");
                foreach (var v in list)
                {
                    table.AddRow(v.Deployed ? "[green]*[/]" : "", Show.Short(v.Sha), Show.Ago(v.Time), Show.Escape(v.Author), Show.Escape(Show.Subject(v.Message)));
                }
                kk.Output.Render(table);
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Options.Add(limit);
        return command;
    }

    private static Command Clone()
    {
        var name = NameArgument();
        var folder = new Argument<string?>("folder") { Description = "Where (default ./NAME)", Arity = ArgumentArity.ZeroOrOne };
        var command = KkCommand.Command("clone", """
            Clone a function's repository with kk as its git credential helper: git push and pull there need no password.

            Example:
              kk fn clone hello
            """, async (parse, kk, cancellationToken) =>
        {
            var function = kk.Ok(await kk.Platform.FunctionAsync(parse.GetValue(name)!, cancellationToken));
            var target = parse.GetValue(folder) ?? function.Name;
            await GitClone.CloneAsync(function.GitUrl, Path.GetFullPath(target), cancellationToken);
            kk.Output.Note($"Cloned {Show.Escape(function.Name)} into {Show.Escape(target)}.");
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Arguments.Add(folder);
        return command;
    }

    private static Command Delete()
    {
        var name = NameArgument();
        var command = KkCommand.Command("delete", """
            Delete a function: its replicas stop, and its repository and history are gone for good.

            Example:
              kk fn delete hello --yes
            """, async (parse, kk, cancellationToken) =>
        {
            var functionName = parse.GetValue(name)!;
            if (!await Deletion.ConfirmedAsync(parse, kk, functionName, $"Delete {functionName}, its repository and its history?", cancellationToken))
            {
                return ExitCodes.Success;
            }
            kk.Ok(await kk.Platform.DeleteAsync(functionName, cancellationToken));
            kk.Output.Note($"Deleted {Show.Escape(functionName)}.");
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Options.Add(Deletion.Yes);
        return command;
    }
}
