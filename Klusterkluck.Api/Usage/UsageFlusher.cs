using Klusterkluck.Api.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Usage;

/// <summary>
/// Adds what <see cref="UsageMeter"/> counted to the store every <see cref="UsageOptions.FlushInterval"/>,
/// in one transaction of upserts (an insert, or an addition to the minute's row: safe with more
/// than one Api writing), once more when the Api stops, and deletes minutes past the retention
/// every hour. A killed Api loses at most the counts of its last interval.
/// </summary>
internal sealed partial class UsageFlusher(UsageMeter meter, IServiceScopeFactory scopes, IRuntime runtime, IOptions<UsageOptions> options,
    TimeProvider time, ILogger<UsageFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan s_retentionEvery = TimeSpan.FromHours(1);

    private DateTime _nextRetention = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!meter.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                await ApplyRetentionAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // The last counts, once the server has stopped taking requests.
        await FlushAsync(CancellationToken.None);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var taken = meter.Take();
        if (taken.Count == 0)
        {
            return;
        }
        var memoryMiB = runtime.MemoryLimitMiB;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (key, counts) in taken)
            {
                var memory = counts.ReplicaSeconds * memoryMiB;
                // The same SQL on SQLite and PostgreSQL: both have INSERT … ON CONFLICT … DO UPDATE.
                await store.Database.ExecuteSqlAsync($$"""
                    INSERT INTO "Usage" ("Owner", "Function", "Minute", "Invocations", "Errors", "Throttled", "DurationMicroseconds",
                        "BytesIn", "BytesOut", "ReplicaSeconds", "MemoryMiBSeconds")
                    VALUES ({{key.Owner}}, {{key.Function}}, {{key.Minute}}, {{counts.Invocations}}, {{counts.Errors}}, {{counts.Throttled}},
                        {{counts.DurationMicroseconds}}, {{counts.BytesIn}}, {{counts.BytesOut}}, {{counts.ReplicaSeconds}}, {{memory}})
                    ON CONFLICT ("Owner", "Function", "Minute") DO UPDATE SET
                        "Invocations" = "Usage"."Invocations" + excluded."Invocations",
                        "Errors" = "Usage"."Errors" + excluded."Errors",
                        "Throttled" = "Usage"."Throttled" + excluded."Throttled",
                        "DurationMicroseconds" = "Usage"."DurationMicroseconds" + excluded."DurationMicroseconds",
                        "BytesIn" = "Usage"."BytesIn" + excluded."BytesIn",
                        "BytesOut" = "Usage"."BytesOut" + excluded."BytesOut",
                        "ReplicaSeconds" = "Usage"."ReplicaSeconds" + excluded."ReplicaSeconds",
                        "MemoryMiBSeconds" = "Usage"."MemoryMiBSeconds" + excluded."MemoryMiBSeconds"
                    """, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Kept, not lost: the next flush tries again with these added.
            meter.Return(taken);
            LogFlushFailed(logger, taken.Count, e.Message);
        }
        catch (OperationCanceledException)
        {
            meter.Return(taken);
            throw;
        }
    }

    private async Task ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now < _nextRetention)
        {
            return;
        }
        _nextRetention = now + s_retentionEvery;
        var oldest = UsageRecord.MinuteOf(now.AddDays(-options.Value.RetentionDays));
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        try
        {
            await store.Usage.Where(u => u.Minute < oldest).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            LogRetentionFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage: {Minutes} minutes of counts could not be stored ({Reason}); they are kept for the next try")]
    private static partial void LogFlushFailed(ILogger logger, int minutes, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage: old minutes could not be deleted ({Reason})")]
    private static partial void LogRetentionFailed(ILogger logger, string reason);
}
