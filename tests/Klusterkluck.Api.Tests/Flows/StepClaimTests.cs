using Klusterkluck.Api.Data;
using Klusterkluck.Api.Flows;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>Claims are dealt between owners, then between an owner's flows, whatever the size of each backlog.</summary>
public sealed class StepClaimTests
{
    private static FlowDefinition FanOut(int width) => FlowDefinition.FromJson(System.Text.Json.JsonSerializer.Serialize(new
    {
        nodes = new object[] { Http("in") }.Concat(Enumerable.Range(0, width).Select(i => Function($"f{i}", "x"))).ToArray(),
        edges = Enumerable.Range(0, width).Select(i => Edge("in", $"f{i}")).ToArray(),
    }));

    [Theory]
    [MemberData(nameof(EngineHarness.Providers), MemberType = typeof(EngineHarness))]
    public async Task AnotherOwnersStepIsClaimedNextWhateverTheBacklog(StoreProvider provider)
    {
        await using var engine = await EngineHarness.StartAsync(provider, null, "bob", "carol", "dave");
        for (var i = 0; i < 30; i++)
        {
            await engine.StartRunAsync("bob", "flood", FanOut(20), "in", "{}"u8.ToArray());
        }
        // Carol's and Dave's single steps come after 600 of Bob's.
        await engine.StartRunAsync("carol", "one", FanOut(1), "in", "{}"u8.ToArray());
        await engine.StartRunAsync("dave", "one", FanOut(1), "in", "{}"u8.ToArray());

        // One slot at a time, as slots free up under load: each owner in turn.
        var owners = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            owners.Add(Assert.Single(await engine.ClaimAsync(1)).Owner);
        }
        Assert.Equal(1, owners.Count(o => o == "carol"));
        Assert.Equal(1, owners.Count(o => o == "dave"));
        Assert.Contains("carol", owners.Take(3));
        Assert.Contains("dave", owners.Take(3));

        // Several slots at once: shared in the same claim; what the others cannot use goes to Bob.
        await engine.StartRunAsync("carol", "one", FanOut(1), "in", "{}"u8.ToArray());
        var claimed = await engine.ClaimAsync(8);
        Assert.Equal(8, claimed.Count);
        Assert.Single(claimed, s => s.Owner == "carol");
        Assert.Equal(7, claimed.Count(s => s.Owner == "bob"));
    }

    [Theory]
    [MemberData(nameof(EngineHarness.Providers), MemberType = typeof(EngineHarness))]
    public async Task AnOwnersFlowsShareItsTurns(StoreProvider provider)
    {
        await using var engine = await EngineHarness.StartAsync(provider, null, "bob");
        for (var i = 0; i < 20; i++)
        {
            await engine.StartRunAsync("bob", "flood", FanOut(10), "in", "{}"u8.ToArray());
        }
        await engine.StartRunAsync("bob", "quiet", FanOut(1), "in", "{}"u8.ToArray());

        var flows = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            flows.Add(Assert.Single(await engine.ClaimAsync(1)).FlowName);
        }
        Assert.Contains("quiet", flows);
    }

    [Theory]
    [MemberData(nameof(EngineHarness.Providers), MemberType = typeof(EngineHarness))]
    public async Task StepsWaitingOutABackoffDoNotTakeTurnsFromDueOnes(StoreProvider provider)
    {
        await using var engine = await EngineHarness.StartAsync(provider, null, "bob", "carol");
        await engine.StartRunAsync("carol", "later", FanOut(3), "in", "{}"u8.ToArray());
        await using (var db = engine.Open())
        {
            var later = DateTime.UtcNow.AddHours(1);
            foreach (var step in db.FlowSteps.Where(s => s.Owner == "carol" && s.Status == StepStatus.Pending))
            {
                step.DueAt = later;
            }
            await db.SaveChangesAsync();
        }
        await engine.StartRunAsync("bob", "now", FanOut(5), "in", "{}"u8.ToArray());

        var claimed = await engine.ClaimAsync(4);

        Assert.Equal(4, claimed.Count);
        Assert.All(claimed, s => Assert.Equal("bob", s.Owner));
    }

    [Theory]
    [MemberData(nameof(EngineHarness.Providers), MemberType = typeof(EngineHarness))]
    public async Task AStepIsClaimedAgainWhenItsBackoffIsOverNotAtTheNextPoll(StoreProvider provider)
    {
        // A poll a minute apart: only the backoff's own notice can bring the step back in time.
        await using var engine = await EngineHarness.StartAsync(provider, new FlowOptions { PollInterval = TimeSpan.FromMinutes(1) }, "bob");
        await engine.StartRunAsync("bob", "flaky", FanOut(1), "in", "{}"u8.ToArray());
        var step = Assert.Single(await engine.ClaimAsync(4));

        await engine.RetryAsync(step, DateTime.UtcNow.AddMilliseconds(300));
        Assert.Empty(await engine.ClaimAsync(4));
        await Task.Delay(400);

        var again = Assert.Single(await engine.ClaimAsync(4));
        Assert.Equal(step.Id, again.Id);
        Assert.Equal(2, again.Attempts);
    }
}
