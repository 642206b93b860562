using Klusterkluck.Api.Data;
using Klusterkluck.Api.Usage;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Tests.Usage;

/// <summary>Usage:RetentionDays: minutes older than it leave the store, younger ones stay.</summary>
public sealed class UsageRetentionTests
{
    [Fact]
    public async Task MinutesPastTheRetentionAreDeletedAndTheOthersKept()
    {
        using var data = new TempFolder();
        await using var store = TestStore.Create(StoreProvider.Sqlite);
        var environment = store.ApiEnvironment();
        // A first start creates the schema.
        await (await ApiProcess.StartAsync(data.Path, environment)).DisposeAsync();

        var now = UsageRecord.MinuteOf(DateTime.UtcNow);
        await using (var context = store.Open())
        {
            context.Usage.AddRange(
                new UsageRecord { Owner = "ada", Function = "old", Minute = now - 3 * 24 * 60, Invocations = 5 },
                new UsageRecord { Owner = "ada", Function = "recent", Minute = now - 12 * 60, Invocations = 7 });
            await context.SaveChangesAsync();
        }

        environment["Usage__RetentionDays"] = "2";
        await using var api = await ApiProcess.StartAsync(data.Path, environment);
        // The first flush tick (a second after start) applies the retention.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<string> left;
        do
        {
            await Task.Delay(250);
            await using var context = store.Open();
            left = await context.Usage.Select(u => u.Function).ToListAsync();
        }
        while (left.Contains("old") && DateTime.UtcNow < deadline);
        Assert.Equal(["recent"], left);
    }
}
