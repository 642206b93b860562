using System.CommandLine;
using System.Globalization;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using Spectre.Console;

namespace Klusterkluck.Cli.Usage;

/// <summary>kk usage [FUNCTION]: what the caller's functions used, per period, and the totals.</summary>
public static class UsageCommand
{
    public static Command Build()
    {
        var function = new Argument<string?>("function") { Description = "Only this function", Arity = ArgumentArity.ZeroOrOne };
        var granularity = new Option<string?>("--granularity", "-g") { Description = "minute (a day at most), hour (the default; 31 days) or day" };
        granularity.AcceptOnlyFromAmong("minute", "hour", "day");
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start (default: an hour, a day or 30 days back, by granularity)", HelpName = "time" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End (default: now)", HelpName = "time" };
        var command = KkCommand.Command("usage", """
            What your functions used, per function and period: invocations (gateway, invoke and flow steps), errors, requests
            refused by a throttle, average duration, bytes in and out, replica-seconds and GB-seconds.

            Examples:
              kk usage
              kk usage hello --granularity minute
              kk usage --granularity day --from 2026-11-01
            """, async (parse, kk, cancellationToken) =>
        {
            var usage = kk.Ok(await kk.Platform.UsageAsync(parse.GetValue(function), parse.GetValue(granularity), parse.GetValue(from), parse.GetValue(to),
                cancellationToken));
            kk.Output.Write(usage, u =>
            {
                var table = Output.Table("Period (UTC)", "Function", "Calls", "Errors", "Throttled", "Avg", "In", "Out", "Replica-s", "GB-s");
                foreach (var period in u.Periods)
                {
                    table.AddRow([Period(period.Start, u.Granularity), Show.Escape(period.Function), .. Figures(period.Usage)]);
                }
                table.AddRow(["[bold]Total[/]", "", .. Figures(u.Totals)]);
                kk.Output.Render(table);
                if (u.Periods.Count == 0)
                {
                    kk.Output.Out.WriteLine($"No use from {u.From:yyyy-MM-dd HH:mm} to {u.To:yyyy-MM-dd HH:mm} UTC.");
                }
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(function);
        foreach (var option in new Option[] { granularity, from, to })
        {
            command.Options.Add(option);
        }
        return command;
    }

    private static string Period(DateTime start, string granularity) =>
        start.ToString(granularity == "day" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string[] Figures(UsageFiguresInfo f) =>
    [
        Number(f.Invocations),
        Number(f.Errors),
        Number(f.Throttled),
        f.Invocations == 0 ? "-" : Average(f.DurationMs / f.Invocations),
        Bytes(f.BytesIn),
        Bytes(f.BytesOut),
        f.ReplicaSeconds.ToString("0.#", CultureInfo.InvariantCulture),
        f.GbSeconds.ToString("0.##", CultureInfo.InvariantCulture),
    ];

    /// <summary>A function call is often under a millisecond: tenths show there.</summary>
    private static string Average(double ms) => ms < 10 ? $"{ms.ToString("0.0", CultureInfo.InvariantCulture)} ms" : Show.Milliseconds(ms);

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MiB",
    };
}
