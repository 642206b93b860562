using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.Connectors.Outbox;

/// <summary>
/// Works one lane: each payload is posted until the target takes it, refuses it, or the last
/// attempt fails; only then does the next payload of the lane go out.
/// </summary>
internal sealed class Deliverer(DeliveryQueue queue, TargetClient target, DeliveryOptions options, DeliveryMetrics metrics, ILogger<Deliverer> logger)
{
    /// <summary>Runs until the lane is closed and empty, or <paramref name="abandon"/> fires (shutdown's deadline).</summary>
    public async Task RunAsync(ChannelReader<Pending> lane, CancellationToken abandon)
    {
        Pending? current = null;
        try
        {
            while (await lane.WaitToReadAsync(abandon))
            {
                while (lane.TryRead(out current))
                {
                    var (outcome, answer) = await DeliverOrDeadLetterAsync(current, abandon);
                    Finish(current, outcome, answer);
                    current = null;
                }
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Closed first, so that no payload can be written behind the drain below.
            queue.Close();
            if (current is not null)
            {
                Abandon(current);
            }
            while (lane.TryRead(out var left))
            {
                Abandon(left);
            }
        }
    }

    private async Task<(DeliveryOutcome, TargetAnswer?)> DeliverOrDeadLetterAsync(Pending pending, CancellationToken abandon)
    {
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        (DeliveryOutcome Outcome, TargetAnswer? Answer) ended;
        try
        {
            ended = await DeliverAsync(pending, abandon);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong with this payload, the lane goes on with the next one.
            DeadLetter(pending, 0, $"delivery failed: {e.GetType().Name}: {e.Message}");
            ended = (DeliveryOutcome.DeadLettered, null);
        }
        metrics.Finished(ended.Outcome, startedAt);
        return ended;
    }

    private async Task<(DeliveryOutcome, TargetAnswer?)> DeliverAsync(Pending pending, CancellationToken abandon)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await target.PostAsync(pending, attempt, abandon);
            switch (result.Status)
            {
                case AttemptStatus.Delivered:
                    return (DeliveryOutcome.Delivered, result.Answer);
                case AttemptStatus.Refused:
                    DeadLetter(pending, attempt, $"the target refused it: {result.Reason}");
                    return (DeliveryOutcome.DeadLettered, result.Answer);
                case AttemptStatus.Retry when attempt >= options.Attempts:
                    DeadLetter(pending, attempt, $"the last attempt failed: {result.Reason}");
                    return (DeliveryOutcome.DeadLettered, result.Answer);
            }
            var wait = result.RetryAfter ?? Backoff.Delay(attempt, options.Backoff, options.BackoffMax);
            DeliveryLog.Retrying(logger, pending.Delivery.Id, attempt, result.Reason, wait.TotalMilliseconds);
            metrics.Retried();
            await Task.Delay(wait, abandon);
        }
    }

    private void DeadLetter(Pending pending, int attempts, string reason) =>
        DeliveryLog.DeadLettered(logger, pending.Delivery.Id, attempts, reason, Describe(pending.Payload));

    private void Abandon(Pending pending)
    {
        DeliveryLog.Abandoned(logger, pending.Delivery.Id, Describe(pending.Payload));
        metrics.Finished(DeliveryOutcome.Abandoned, System.Diagnostics.Stopwatch.GetTimestamp());
        Finish(pending, DeliveryOutcome.Abandoned, null);
    }

    private void Finish(Pending pending, DeliveryOutcome outcome, TargetAnswer? answer)
    {
        queue.Release();
        pending.Delivery.Complete(outcome, answer);
    }

    /// <summary>
    /// Enough of the payload to replay it by hand: its type and its body in base64 (one line,
    /// whatever the body holds), cut at 4 KiB.
    /// </summary>
    private static string Describe(Payload payload)
    {
        const int Shown = 4096;
        var body = payload.Body.Span;
        var cut = body.Length > Shown ? $", first {Shown} shown" : "";
        return $"{payload.ContentType ?? "application/octet-stream"}, {body.Length} bytes{cut}, base64 {Convert.ToBase64String(body[..Math.Min(body.Length, Shown)])}";
    }
}
