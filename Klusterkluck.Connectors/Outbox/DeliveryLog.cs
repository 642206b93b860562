using Microsoft.Extensions.Logging;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>The delivery's log lines; a dead-lettered or abandoned payload gets exactly one line each.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} attempt {Attempt} failed ({Reason}); retrying in {WaitMs:0} ms")]
    public static partial void Retrying(ILogger logger, string deliveryId, int attempt, string reason, double waitMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Dead-lettered payload {DeliveryId} after {Attempts} attempt(s): {Reason}; payload: {Payload}")]
    public static partial void DeadLettered(ILogger logger, string deliveryId, int attempts, string reason, string payload);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Dead-lettered payload {DeliveryId}: the host stopped before delivering it; payload: {Payload}")]
    public static partial void Abandoned(ILogger logger, string deliveryId, string payload);
}
