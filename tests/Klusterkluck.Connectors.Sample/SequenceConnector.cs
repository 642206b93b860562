using System.Globalization;
using System.Text;

namespace Klusterkluck.Connectors.Sample;

/// <summary>Sends "{prefix}-1" to "{prefix}-{count}" in order, then waits to be stopped (or returns).</summary>
public sealed class SequenceConnector : IConnector
{
    public string Name => "sequence";

    public string Description => "Sends a numbered sequence of text payloads, in order (a sample third-party plugin)";

    public IReadOnlyList<ConnectorVariable> Variables { get; } =
    [
        new("KK_SEQUENCE_COUNT", "How many payloads to send") { Required = true, Format = VariableFormat.PositiveInteger },
        new("KK_SEQUENCE_PREFIX", "Text before each number") { Default = "item" },
        new("KK_SEQUENCE_THEN_EXIT", "Return once the sequence is sent, as a connector whose source ran dry") { Default = "false", Format = VariableFormat.Boolean },
    ];

    public async Task RunAsync(ConnectorContext context, CancellationToken stoppingToken)
    {
        var count = context.Settings.GetInteger("KK_SEQUENCE_COUNT")!.Value;
        var prefix = context.Settings.Get("KK_SEQUENCE_PREFIX");
        for (var i = 1; i <= count; i++)
        {
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}"));
            await context.Sink.SendAsync(new Payload(body, "text/plain") { OrderKey = Name }, stoppingToken);
        }
        if (context.Settings.GetBoolean("KK_SEQUENCE_THEN_EXIT") is not true)
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }
}
