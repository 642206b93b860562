using System.CommandLine;
using System.Text.Json;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.Functions;

/// <summary>kk fn logs: what the function's replicas wrote, and with -f what they write next (read every second until Ctrl+C).</summary>
public static class LogsCommand
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    public static Command Build()
    {
        var name = FunctionCommands.NameArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl+C" };
        var lines = new Option<int>("--lines", "-n") { Description = "Lines per replica to start with (default 50)", DefaultValueFactory = _ => 50 };
        var command = KkCommand.Command("logs", """
            The replicas' output, oldest first; each line is prefixed by its replica when there are several.
            With -o json: the API's answer, or with -f one JSON object per line.

            Examples:
              kk fn logs hello
              kk fn logs hello -f
            """, async (parse, kk, cancellationToken) =>
        {
            var functionName = parse.GetValue(name)!;
            var count = parse.GetValue(lines);
            var first = kk.Ok(await kk.Platform.LogsAsync(functionName, count, cancellationToken));
            if (!parse.GetValue(follow))
            {
                kk.Output.Write(first, logs =>
                {
                    foreach (var line in Lines(logs))
                    {
                        Print(kk, line, logs.Replicas.Count > 1);
                    }
                });
                return ExitCodes.Success;
            }
            var seen = new HashSet<(int, string, DateTimeOffset, string, string)>();
            var logs = first;
            try
            {
                while (true)
                {
                    foreach (var line in Lines(logs).Where(l => seen.Add((l.Replica, l.Commit, l.Line.Time, l.Line.Stream, l.Line.Text))))
                    {
                        Print(kk, line, logs.Replicas.Count > 1);
                    }
                    await Console.Out.FlushAsync(cancellationToken);
                    await Task.Delay(s_poll, cancellationToken);
                    logs = kk.Ok(await kk.Platform.LogsAsync(functionName, count, cancellationToken));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how -f ends.
                return ExitCodes.Success;
            }
        });
        command.Arguments.Add(name);
        command.Options.Add(follow);
        command.Options.Add(lines);
        return command;
    }

    private sealed record Entry(int Replica, string Commit, LogLineInfo Line);

    private static IEnumerable<Entry> Lines(LogsInfo logs) =>
        logs.Replicas.SelectMany(r => r.Lines.Select(l => new Entry(r.Replica, r.Commit, l))).OrderBy(e => e.Line.Time);

    private static void Print(CliContext kk, Entry entry, bool prefix)
    {
        if (!kk.Output.ForPeople)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { replica = entry.Replica, commit = entry.Commit, entry.Line.Time, entry.Line.Stream, entry.Line.Text },
                PlatformClient.Json));
            return;
        }
        Console.Out.WriteLine(prefix ? $"[{entry.Replica}] {entry.Line.Text}" : entry.Line.Text);
    }
}
