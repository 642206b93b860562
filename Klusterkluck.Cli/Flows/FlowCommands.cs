using System.CommandLine;
using System.Text.Json;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.Flows;

/// <summary>kk flow: flows from files, their runs, and test events.</summary>
public static class FlowCommands
{
    private static Argument<string> NameArgument() => new("name") { Description = "The flow's name" };

    public static Command Build()
    {
        var flow = new Command("flow", "Flows: apply one from a file, list, inspect, delete, follow runs, send test events.");
        foreach (var command in new[] { Apply(), List(), Get(), Delete(), FlowRunCommands.Runs(), FlowRunCommands.Run(), FlowRunCommands.Event() })
        {
            flow.Subcommands.Add(command);
        }
        return flow;
    }

    private static Command Apply()
    {
        var file = new Option<string>("--file", "-f") { Description = "The flow: a .yaml, .yml or .json file", Required = true };
        var name = new Option<string?>("--name") { Description = "The flow's name, when the file has none" };
        var noDeploy = new Option<bool>("--no-deploy") { Description = "Save it without deploying" };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to wait for the connectors to run (default 1 min)",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            HelpName = "hh:mm:ss",
        };
        var command = KkCommand.Command("apply", """
            Create or update a flow from a file, then deploy it and wait until its connectors run.
            A flow the server finds invalid is not saved; each problem is listed with the node or edge it is about.

            Example:
              kk flow apply -f orders.yaml
            """, async (parse, kk, cancellationToken) =>
        {
            var flow = FlowFile.Read(parse.GetValue(file)!, parse.GetValue(name));
            var existing = await kk.Platform.FlowAsync(flow.Name, cancellationToken);
            if (existing.Problem is { Status: not 404 } problem)
            {
                throw kk.Fail(problem);
            }
            ApiResult<FlowInfo> saved;
            if (existing.Value is { } current)
            {
                // Keep where the console drew the nodes that are still there, when the file says nothing of it.
                var ids = flow.Definition.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
                var layout = flow.Definition.Layout ?? current.Layout?.Where(p => ids.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
                saved = await kk.Platform.SaveFlowAsync(flow.Name, flow.Definition with { Layout = layout }, null, cancellationToken);
            }
            else
            {
                saved = await kk.Platform.CreateFlowAsync(new NewFlow(flow.Name, flow.Definition.Nodes, flow.Definition.Edges, flow.Definition.Layout),
                    cancellationToken);
            }
            if (saved.Problem is { } refused)
            {
                throw FlowProblems.Explain(kk, refused, flow.Definition);
            }
            kk.Output.Note($"{(existing.Value is null ? "Created" : "Updated")} flow [bold]{Show.Escape(flow.Name)}[/].");
            var result = saved.Value!;
            if (!parse.GetValue(noDeploy))
            {
                kk.Ok(await kk.Platform.DeployFlowAsync(flow.Name, cancellationToken));
                result = await ConnectorWatch.UntilRunningAsync(kk, flow.Name, parse.GetValue(timeout), cancellationToken);
            }
            kk.Output.Write(result, f =>
            {
                kk.Output.Out.MarkupLine(parse.GetValue(noDeploy)
                    ? $"{Show.Escape(f.Name)} saved (not deployed): {f.Nodes.Count} nodes, {f.Edges.Count} edges."
                    : $"{Show.Escape(f.Name)} deployed: {f.Nodes.Count} nodes, {f.Edges.Count} edges.");
                Connectors(kk, f);
            });
            return ExitCodes.Success;
        });
        foreach (var option in new Option[] { file, name, noDeploy, timeout })
        {
            command.Options.Add(option);
        }
        return command;
    }

    private static Command List() => KkCommand.Command("list", """
        Your flows: deployed or not (and whether the saved flow is the one running), their connectors, their last run.

        Example:
          kk flow list
        """, async (parse, kk, cancellationToken) =>
    {
        var flows = kk.Ok(await kk.Platform.FlowsAsync(cancellationToken));
        kk.Output.Write(flows, list =>
        {
            if (list.Count == 0)
            {
                kk.Output.Note("You have no flows yet: kk flow apply -f FILE creates one.");
                return;
            }
            var table = Output.Table("Name", "Deployed", "Connectors", "Last run", "Updated");
            foreach (var f in list)
            {
                var deployed = !f.Deployed ? "no" : f.UpToDate ? "[green]yes[/]" : "[yellow]changes not deployed[/]";
                var connectors = f.Connectors is { Count: > 0 } states
                    ? string.Join(", ", states.Select(c => $"{Show.Escape(c.Node)} {Show.State(c.State)}"))
                    : "-";
                var lastRun = f.LastRun is { } run ? $"{Show.State(run.Status)} {Show.Ago(run.AcceptedAt)}" : "-";
                table.AddRow(Show.Escape(f.Name), deployed, connectors, lastRun, Show.Ago(f.UpdatedAt));
            }
            kk.Output.Render(table);
        });
        return ExitCodes.Success;
    });

    private static Command Get()
    {
        var name = NameArgument();
        var command = KkCommand.Command("get", """
            A flow: its nodes and edges, its connectors' states and where each listens.
            -o yaml prints it in the form kk flow apply takes back.

            Examples:
              kk flow get orders
              kk flow get orders -o yaml > orders.yaml
            """, async (parse, kk, cancellationToken) =>
        {
            var flow = kk.Ok(await kk.Platform.FlowAsync(parse.GetValue(name)!, cancellationToken));
            kk.Output.Write(flow, f =>
            {
                var deployed = f.Deployment is null ? "not deployed" : f.Deployment.UpToDate ? "deployed" : "deployed, with changes not deployed";
                kk.Output.Out.MarkupLine($"[bold]{Show.Escape(f.Name)}[/]: {deployed}, updated {Show.Ago(f.UpdatedAt)}");
                kk.Output.Out.WriteLine();
                var nodes = Output.Table("Node", "Kind", "Ref", "Config");
                foreach (var node in f.Nodes)
                {
                    nodes.AddRow(Show.Escape(node.Id), Show.Escape(node.Kind), Show.Escape(node.Ref), Show.Escape(Config(node)));
                }
                kk.Output.Render(nodes);
                kk.Output.Out.WriteLine();
                var edges = Output.Table("From", "To", "When");
                foreach (var edge in f.Edges)
                {
                    edges.AddRow(Show.Escape(edge.From), Show.Escape(edge.To), edge.When is { } when ? (when ? "true" : "false") : "");
                }
                kk.Output.Render(edges);
                Connectors(kk, f);
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        return command;
    }

    private static Command Delete()
    {
        var name = NameArgument();
        var command = KkCommand.Command("delete", """
            Delete a flow: its connectors stop, and its runs are gone.

            Example:
              kk flow delete orders --yes
            """, async (parse, kk, cancellationToken) =>
        {
            var flowName = parse.GetValue(name)!;
            if (!await Deletion.ConfirmedAsync(parse, kk, flowName, $"Delete the flow {flowName} and its runs?", cancellationToken))
            {
                return ExitCodes.Success;
            }
            kk.Ok(await kk.Platform.DeleteFlowAsync(flowName, cancellationToken));
            kk.Output.Note($"Deleted the flow {Show.Escape(flowName)}.");
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Options.Add(Deletion.Yes);
        return command;
    }

    private static void Connectors(CliContext kk, FlowInfo flow)
    {
        if (flow.Connectors.Count == 0)
        {
            return;
        }
        kk.Output.Out.WriteLine();
        var table = Output.Table("Connector", "State", "Restarts", "Listens at", "Error");
        foreach (var c in flow.Connectors)
        {
            table.AddRow(Show.Escape(c.Node), Show.State(c.State), $"{c.Restarts}", Show.Escape(c.Url), c.Error is null ? "" : $"[red]{Show.Escape(c.Error)}[/]");
        }
        kk.Output.Render(table);
    }

    /// <summary>A node's config on one line; a credential (named like one) shows as *** in a table, which ends up in terminals' scrollback.</summary>
    private static string Config(FlowNodeInfo node) => node.Config is not { Count: > 0 } config
        ? ""
        : string.Join(" ", config.Select(p => $"{p.Key}={(Secret(p.Key) ? "***" : p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"));

    private static bool Secret(string name) =>
        new[] { "PASSWORD", "TOKEN", "SECRET", "API_KEY", "APIKEY", "CREDENTIAL", "PRIVATE_KEY" }.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
}
