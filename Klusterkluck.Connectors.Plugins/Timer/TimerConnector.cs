using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Klusterkluck.Connectors.Timer;

/// <summary>
/// Sends a payload on a schedule, driven by Quartz: a cron expression (Quartz's, seconds first)
/// or a fixed interval, in a configurable time zone. Ticks are delivered in order; a tick that
/// cannot run on time (the buffer was full) is a misfire, handled as <c>KK_TIMER_MISFIRE</c> says.
/// Nobody acknowledges a tick, and the schedule is kept in memory: a tick is delivered at least
/// once while the connector runs (retried like any payload), but a tick that fell due while no
/// connector ran (stopped, crashed, being redeployed) is not owed and is not sent later.
/// </summary>
public sealed class TimerConnector : IConnector
{
    public const string Cron = "KK_TIMER_CRON";
    public const string Interval = "KK_TIMER_INTERVAL";
    public const string PayloadText = "KK_TIMER_PAYLOAD";
    public const string ContentType = "KK_TIMER_CONTENT_TYPE";
    public const string TimeZone = "KK_TIMER_TIMEZONE";
    public const string Misfire = "KK_TIMER_MISFIRE";

    public string Name => "timer";

    public string Description => "Sends a payload on a Quartz cron schedule (seconds first) or at a fixed interval; each tick is delivered at least once while the connector runs, and a tick due while none runs is not sent later";

    public IReadOnlyList<ConnectorVariable> Variables { get; } =
    [
        new(Cron, $"Quartz cron expression, seconds first, e.g. '0 */5 * * * ?'; set this or {Interval}"),
        new(Interval, $"Fixed interval between ticks, e.g. 30s; set this or {Cron}") { Format = VariableFormat.Duration },
        new(PayloadText, "The body of every tick; by default a JSON object with the tick's scheduled and actual fire times"),
        new(ContentType, $"The body's media type; by default application/json when {PayloadText} is JSON, else text/plain"),
        new(TimeZone, "IANA time zone the cron expression is read in") { Default = "UTC" },
        new(Misfire, "What to do with ticks missed while the connector was held up: smart (Quartz's default), fire-now (once), skip, or all (fire every missed tick)") { Default = "smart" },
    ];

    public IEnumerable<string> Validate(ConnectorSettings settings)
    {
        if (settings.Has(Cron) == settings.Has(Interval))
        {
            yield return $"set exactly one of {Cron} and {Interval}";
        }
        if (settings.Get(Cron) is { } cron && CronProblem(cron) is { } problem)
        {
            yield return $"{Cron} '{cron}' is not a Quartz cron expression: {problem}";
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(settings.Get(TimeZone)!, out _))
        {
            yield return $"{TimeZone} '{settings.Get(TimeZone)}' is not a known time zone";
        }
        if (!MisfirePolicy.IsKnown(settings.Get(Misfire)!))
        {
            yield return $"{Misfire} must be one of {string.Join(", ", MisfirePolicy.Names)}, not '{settings.Get(Misfire)}'";
        }
    }

    public async Task RunAsync(ConnectorContext context, CancellationToken stoppingToken)
    {
        var settings = context.Settings;
        Quartz.Diagnostics.LogProvider.SetLogProvider(context.LoggerFactory);
        var ticks = new TickSource(context.Sink, settings.Get(PayloadText), settings.Get(ContentType), stoppingToken);
        TimeZoneInfo.TryFindSystemTimeZoneById(settings.Get(TimeZone)!, out var zone);
        var misfire = settings.Get(Misfire)!;

        await using var factory = QuartzSchedulerBuilder.Create(quartz =>
        {
            quartz.UseInMemoryStore();
            quartz.Services.AddSingleton(ticks);
            // One tick at a time, so ticks reach the target in the order they fired.
            quartz.AddJob<TickJob>(job => job.WithIdentity(TickJob.Name).DisallowConcurrentExecution());
            quartz.AddTrigger(trigger =>
            {
                trigger.ForJob(TickJob.Name).StartNow();
                if (settings.Get(Cron) is { } cron)
                {
                    trigger.WithCronSchedule(cron, schedule => schedule.InTimeZone(zone!).WithMisfireInstruction(MisfirePolicy.ForCron(misfire)));
                }
                else
                {
                    trigger.WithSimpleSchedule(schedule => schedule.WithInterval(settings.GetDuration(Interval)!.Value).RepeatForever()
                        .WithMisfireInstruction(MisfirePolicy.ForInterval(misfire)));
                }
            });
        }).Build();

        var scheduler = await factory.GetScheduler(stoppingToken);
        await scheduler.Start(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None);
        }
    }

    private static string? CronProblem(string cron)
    {
        try
        {
            CronExpression.Parse(cron);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>The payload of a tick: the configured one, or the tick's times as JSON.</summary>
    internal static Payload TickPayload(string? text, string? contentType, DateTimeOffset scheduled, DateTimeOffset fired)
    {
        if (text is null)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { scheduledAt = scheduled, firedAt = fired });
            return new Payload(body, contentType ?? "application/json") { OrderKey = "timer" };
        }
        return new Payload(Encoding.UTF8.GetBytes(text), contentType ?? (IsJson(text) ? "application/json" : "text/plain; charset=utf-8")) { OrderKey = "timer" };
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
