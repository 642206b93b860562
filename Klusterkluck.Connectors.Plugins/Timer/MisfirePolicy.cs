using Quartz;

namespace Klusterkluck.Connectors.Timer;

/// <summary>KK_TIMER_MISFIRE's names for Quartz's misfire instructions, which differ by trigger kind.</summary>
internal static class MisfirePolicy
{
    public static readonly string[] Names = ["smart", "fire-now", "skip", "all"];

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    public static CronTriggerMisfireInstruction ForCron(string name) => name switch
    {
        "fire-now" => CronTriggerMisfireInstruction.FireAndProceed,
        "skip" => CronTriggerMisfireInstruction.DoNothing,
        "all" => CronTriggerMisfireInstruction.IgnoreMisfires,
        _ => CronTriggerMisfireInstruction.SmartPolicy,
    };

    public static SimpleTriggerMisfireInstruction ForInterval(string name) => name switch
    {
        "fire-now" => SimpleTriggerMisfireInstruction.FireNow,
        "skip" => SimpleTriggerMisfireInstruction.NextWithRemainingCount,
        "all" => SimpleTriggerMisfireInstruction.IgnoreMisfires,
        _ => SimpleTriggerMisfireInstruction.SmartPolicy,
    };
}
