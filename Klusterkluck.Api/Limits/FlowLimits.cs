using Klusterkluck.Connectors;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Limits;

/// <summary>
/// A flow's limits, checked after it validates: connector nodes (each is a process or a pod of
/// its own) and how often a timer connector may fire.
/// </summary>
public sealed class FlowLimits(IOptions<LimitsOptions> options)
{
    // The timer plugin's name and variables (Klusterkluck.Connectors.Plugins/Timer), which the Api does not load.
    private const string Timer = "timer";
    private const string Interval = "KK_TIMER_INTERVAL";
    private const string Cron = "KK_TIMER_CRON";

    public LimitViolations Check(FlowDefinition definition)
    {
        var limits = options.Value;
        var violations = new LimitViolations();
        var nodes = definition.Nodes ?? [];
        var connectors = nodes.Count(n => n?.Kind == NodeKinds.Connector);
        if (connectors > limits.MaxConnectorsPerFlow)
        {
            violations.Add("nodes", nameof(LimitsOptions.MaxConnectorsPerFlow),
                $"A flow may have at most {limits.MaxConnectorsPerFlow} connector nodes; this one has {connectors}.");
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is { Kind: NodeKinds.Connector, Ref: Timer } timer)
            {
                CheckTimer(timer, $"nodes[{i}]", limits.MinTimerInterval, violations);
            }
        }
        return violations;
    }

    private static void CheckTimer(FlowNode node, string at, TimeSpan shortest, LimitViolations violations)
    {
        var settings = FlowValidator.ConnectorSettingsOf(node);
        var detail = $"A timer may fire at most once every {Durations.Show(shortest)}";
        if (settings.GetValueOrDefault(Interval) is { } text && ConnectorSettings.ParseDuration(text.Trim()) is { } interval && interval < shortest)
        {
            violations.Add($"{at}.config.{Interval}", nameof(LimitsOptions.MinTimerInterval), $"{detail}, not every {Durations.Show(interval)}.");
        }
        if (settings.GetValueOrDefault(Cron) is { } cron && CronPeriods.Shortest(cron.Trim(), shortest) is { } period && period < shortest)
        {
            violations.Add($"{at}.config.{Cron}", nameof(LimitsOptions.MinTimerInterval), $"{detail}; '{cron}' fires {Durations.Show(period)} apart.");
        }
    }
}
