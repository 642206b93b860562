using System.Text;
using Klusterkluck.Api.Data;
using Klusterkluck.Api.Flows;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>A run that would cross Flows:MaxStepsPerEvent or Flows:MaxRunBytes fails with that reason, and takes its pending steps with it.</summary>
public sealed class RunLimitTests
{
    private static FlowDefinition Definition(object[] nodes, object[] edges) =>
        FlowDefinition.FromJson(System.Text.Json.JsonSerializer.Serialize(new { nodes, edges }));

    [Theory]
    [MemberData(nameof(EngineHarness.Providers), MemberType = typeof(EngineHarness))]
    public async Task ARunThatWouldCreateMoreStepsThanAllowedFails(StoreProvider provider)
    {
        await using var engine = await EngineHarness.StartAsync(provider, new FlowOptions { MaxStepsPerEvent = 5 });
        var definition = Definition([Http("in"), Function("a1", "x"), Function("a2", "x"), Function("a3", "x"), Function("b", "x")],
            [Edge("in", "a1"), Edge("in", "a2"), Edge("in", "a3"), Edge("a1", "b"), Edge("a2", "b"), Edge("a3", "b")]);
        var (run, graph) = await engine.StartRunAsync("alice", "fan", definition, "in", "{}"u8.ToArray());

        var first = await engine.ClaimAsync(3);
        await engine.FinishAsync(first.Single(s => s.NodeId == "a1"), graph, "1"u8.ToArray());
        await engine.FinishAsync(first.Single(s => s.NodeId == "a2"), graph, "2"u8.ToArray());

        var (failed, steps) = await engine.ReadAsync(run);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("it would create more than 5 steps (Flows:MaxStepsPerEvent)", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        var b = Assert.Single(steps, s => s.NodeId == "b");
        Assert.Equal(StepStatus.DeadLettered, b.Status);
        Assert.StartsWith("not run: the run failed: it would create more than 5 steps", b.Error);
        Assert.Equal(5, steps.Count);
        var a3 = steps.Single(s => s.NodeId == "a3");
        Assert.Equal(StepStatus.DeadLettered, a3.Status);
        Assert.StartsWith("its result is not kept: the run failed: it would create more than 5 steps", a3.Error);

        // a3 was running when the run failed: its result, when it comes, is not recorded, and nothing follows it.
        Assert.False(await engine.TryFinishAsync(first.Single(s => s.NodeId == "a3"), graph, "3"u8.ToArray()));
        (failed, steps) = await engine.ReadAsync(run);
        Assert.Equal(StepStatus.DeadLettered, steps.Single(s => s.NodeId == "a3").Status);
        Assert.Equal(5, steps.Count);
        Assert.Empty(await engine.ClaimAsync(10));
    }

    [Theory]
    [MemberData(nameof(EngineHarness.Providers), MemberType = typeof(EngineHarness))]
    public async Task ARunThatWouldStoreMoreBytesThanAllowedFails(StoreProvider provider)
    {
        await using var engine = await EngineHarness.StartAsync(provider, new FlowOptions { MaxRunBytes = 65536 });
        var definition = Definition([Http("in"), Function("a", "x"), Function("b", "x")], [Edge("in", "a"), Edge("a", "b")]);

        // 10 KB in, 10 KB as a's input; a's 50 KB output crosses 64 KiB.
        var (run, graph) = await engine.StartRunAsync("alice", "big", definition, "in", new byte[10_000]);
        var a = Assert.Single(await engine.ClaimAsync(10));
        await engine.FinishAsync(a, graph, Encoding.UTF8.GetBytes(new string('x', 50_000)));

        var (failed, steps) = await engine.ReadAsync(run);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("its steps would store more than 65536 bytes of payloads (Flows:MaxRunBytes)", failed.Error);
        Assert.Equal(StepStatus.Succeeded, steps.Single(s => s.NodeId == "a").Status);
        Assert.DoesNotContain(steps, s => s.NodeId == "b");

        // An event that crosses it by itself fails as it is accepted: nothing of it is left to run.
        var fan = Definition([Http("in"), Function("a", "x"), Function("b", "x")], [Edge("in", "a"), Edge("in", "b")]);
        var (atOnce, _) = await engine.StartRunAsync("alice", "fan", fan, "in", new byte[30_000]);
        (failed, steps) = await engine.ReadAsync(atOnce);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("Flows:MaxRunBytes", failed.Error);
        Assert.DoesNotContain(steps, s => s.Status is StepStatus.Pending or StepStatus.Running);
        Assert.Empty(await engine.ClaimAsync(10));
    }
}
