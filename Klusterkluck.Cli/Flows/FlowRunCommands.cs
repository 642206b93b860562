using System.CommandLine;
using System.Text;
using Spectre.Console;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.Flows;

/// <summary>kk flow runs, run and event: what a flow computed, step by step, and a test event to start a run.</summary>
public static class FlowRunCommands
{
    private static Argument<string> NameArgument() => new("name") { Description = "The flow's name" };

    public static Command Runs()
    {
        var name = NameArgument();
        var status = new Option<string?>("--status") { Description = "Only runs that are running, succeeded or failed" };
        status.AcceptOnlyFromAmong("running", "succeeded", "failed");
        var limit = new Option<int>("--limit", "-n") { Description = "How many, newest first (default 20)", DefaultValueFactory = _ => 20 };
        var command = KkCommand.Command("runs", """
            A flow's runs, newest first.

            Examples:
              kk flow runs orders
              kk flow runs orders --status failed
            """, async (parse, kk, cancellationToken) =>
        {
            var runs = kk.Ok(await kk.Platform.RunsAsync(parse.GetValue(name)!, parse.GetValue(status), parse.GetValue(limit), cancellationToken));
            kk.Output.Write(runs, list =>
            {
                if (list.Count == 0)
                {
                    kk.Output.Note("No runs yet.");
                    return;
                }
                var table = Output.Table("Run", "Status", "Source", "Accepted", "Duration", "Error");
                foreach (var run in list)
                {
                    table.AddRow(Show.Escape(run.Id.ToString()), Show.State(run.Status), Show.Escape(run.SourceNode), Show.Ago(run.AcceptedAt),
                        Show.Milliseconds(run.DurationMs), run.Error is null ? "" : $"[red]{Show.Escape(run.Error)}[/]");
                }
                kk.Output.Render(table);
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Options.Add(status);
        command.Options.Add(limit);
        return command;
    }

    public static Command Run()
    {
        var name = NameArgument();
        var id = new Argument<string>("run") { Description = "The run's id (or the start of it, as long as it names one run)" };
        var command = KkCommand.Command("run", """
            One run and its steps: each node's status, attempts, the branch an if took, timings and errors.

            Example:
              kk flow run orders 3f2a9c1e
            """, async (parse, kk, cancellationToken) =>
        {
            var flowName = parse.GetValue(name)!;
            var runId = await ResolveAsync(kk, flowName, parse.GetValue(id)!, cancellationToken);
            var run = kk.Ok(await kk.Platform.RunAsync(flowName, runId, cancellationToken));
            kk.Output.Write(run, r =>
            {
                kk.Output.Out.MarkupLine($"Run {Show.Escape(r.Id.ToString())}: {Show.State(r.Status)}, from {Show.Escape(r.SourceNode)} {Show.Ago(r.AcceptedAt)}"
                    + $", {Show.Milliseconds(r.DurationMs)}{(r.Error is null ? "" : $": [red]{Show.Escape(r.Error)}[/]")}");
                kk.Output.Out.WriteLine();
                var table = Output.Table("Node", "Status", "Attempts", "Branch", "Duration", "Output", "Error");
                foreach (var step in r.Steps)
                {
                    var duration = step is { StartedAt: { } started, FinishedAt: { } finished } ? (finished - started).TotalMilliseconds : (double?)null;
                    table.AddRow(Show.Escape(step.Node), Show.State(step.Status), $"{step.Attempts}", step.Branch is { } branch ? (branch ? "true" : "false") : "",
                        Show.Milliseconds(duration), step.Output is { } output ? $"{output.Bytes} B" : "",
                        step.Error is null ? "" : $"[red]{Show.Escape(step.Error)}[/]");
                }
                kk.Output.Render(table);
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Arguments.Add(id);
        return command;
    }

    public static Command Event()
    {
        var name = NameArgument();
        var node = new Argument<string>("node") { Description = "The connector node that receives it" };
        var data = new Option<string>("--data", "-d") { Description = "The event's body", Required = true };
        var contentType = new Option<string?>("--content-type") { Description = "Its type (default: application/json when it is JSON, else text/plain)" };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for the run to end and print its status (exit 1 if it failed)" };
        var command = KkCommand.Command("event", """
            Send a test event to a connector node, as if its connector had delivered it; prints the run it started.

            Examples:
              kk flow event orders web -d '{"total": 250}'
              kk flow event orders web -d '{"total": 20}' --wait
            """, async (parse, kk, cancellationToken) =>
        {
            var flowName = parse.GetValue(name)!;
            var body = parse.GetValue(data)!;
            var type = parse.GetValue(contentType) ?? (JsonBody.Is(Encoding.UTF8.GetBytes(body)) ? "application/json" : "text/plain");
            var accepted = kk.Ok(await kk.Platform.SendEventAsync(flowName, parse.GetValue(node)!, body, type, cancellationToken));
            if (!parse.GetValue(wait))
            {
                kk.Output.Write(accepted, a => kk.Output.Out.WriteLine(a.RunId.ToString()));
                return ExitCodes.Success;
            }
            var deadline = DateTime.UtcNow.AddMinutes(5);
            RunInfo run;
            while ((run = kk.Ok(await kk.Platform.RunAsync(flowName, accepted.RunId, cancellationToken))).Status == "running" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellationToken);
            }
            kk.Output.Write(run, r => kk.Output.Out.MarkupLine($"{Show.Escape(r.Id.ToString())} {Show.State(r.Status)}{(r.Error is null ? "" : $": {Show.Escape(r.Error)}")}"));
            return run.Status == "failed" ? ExitCodes.Refused : ExitCodes.Success;
        });
        command.Arguments.Add(name);
        command.Arguments.Add(node);
        command.Options.Add(data);
        command.Options.Add(contentType);
        command.Options.Add(wait);
        return command;
    }

    /// <summary>A whole id, or a prefix of one of the flow's latest 1000 runs' ids.</summary>
    private static async Task<Guid> ResolveAsync(CliContext kk, string flow, string id, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(id, out var exact))
        {
            return exact;
        }
        if (id.Length < 4 || !id.All(Uri.IsHexDigit) && !id.All(c => Uri.IsHexDigit(c) || c == '-'))
        {
            throw CliException.Usage($"'{id}' is not a run id (or at least its first 4 hex digits).");
        }
        var matches = kk.Ok(await kk.Platform.RunsAsync(flow, null, 1000, cancellationToken))
            .Where(r => r.Id.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0].Id,
            0 => throw new CliException(ExitCodes.Refused, $"{flow} has no run whose id starts with {id}."),
            _ => throw CliException.Usage($"{matches.Count} runs of {flow} start with {id}: give more of the id."),
        };
    }
}
