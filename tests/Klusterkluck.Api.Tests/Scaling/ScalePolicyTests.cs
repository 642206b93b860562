using Klusterkluck.Api.Runtime.Scaling;

namespace Klusterkluck.Api.Tests.Scaling;

/// <summary>The autoscaler's decisions, tick by tick, as Knative's: stable average, panic on bursts, slower scale-down.</summary>
public sealed class ScalePolicyTests
{
    private static readonly ScalingOptions s_options = new()
    {
        StableWindow = TimeSpan.FromSeconds(60), PanicWindowPercent = 10, PanicThreshold = 2, ScaleDownDelay = TimeSpan.FromSeconds(30),
    };

    private static readonly DateTime s_start = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void TheStableAverageOverTheTargetSaysHowManyWithinTheBounds()
    {
        var (replicas, _, reason) = ScalePolicy.Decide(s_options, new ScaleInputs(s_start, 1, 1, 10, 10, StableAverage: 25, PanicAverage: 15), default);
        Assert.Equal(3, replicas);
        Assert.Contains("25 in flight over 60 s for a target of 10 each", reason);
        Assert.Equal(10, ScalePolicy.Decide(s_options, new ScaleInputs(s_start, 1, 1, 10, 1, 500, 15), default).Replicas);
        Assert.Equal(2, ScalePolicy.Decide(s_options, new ScaleInputs(s_start, 2, 2, 10, 10, 0, 0), default).Replicas);
    }

    [Fact]
    public void ABurstPanicsUpAtOnceAndNothingScalesDownUntilAStableWindowWithoutOne()
    {
        var (up, state, reason) = ScalePolicy.Decide(s_options, new ScaleInputs(s_start, 2, 1, 20, 1, StableAverage: 2, PanicAverage: 8), default);
        Assert.Equal(8, up);
        Assert.StartsWith("panic:", reason);
        Assert.Equal(s_start + s_options.StableWindow, state.PanicUntil);
        // The burst is over, but panic holds what it has for a stable window.
        var (held, _, _) = ScalePolicy.Decide(s_options, new ScaleInputs(s_start.AddSeconds(30), 8, 1, 20, 1, 2, 0), state);
        Assert.Equal(8, held);
    }

    [Fact]
    public void FewerReplicasAreTakenOnlyOnceTheyWereEnoughForTheScaleDownDelay()
    {
        var (first, low, reason) = ScalePolicy.Decide(s_options, new ScaleInputs(s_start, 4, 1, 10, 10, StableAverage: 5, PanicAverage: 5), default);
        Assert.Equal(4, first);
        Assert.Null(reason);
        Assert.Equal(s_start, low.LowSince);
        Assert.Equal(4, ScalePolicy.Decide(s_options, new ScaleInputs(s_start.AddSeconds(29), 4, 1, 10, 10, 5, 5), low).Replicas);
        var (down, _, why) = ScalePolicy.Decide(s_options, new ScaleInputs(s_start.AddSeconds(30), 4, 1, 10, 10, 5, 5), low);
        Assert.Equal(1, down);
        Assert.Contains("fewer replicas are enough", why);
        // Load back before the delay ran out: the count it waited on is forgotten.
        var (_, again, _) = ScalePolicy.Decide(s_options, new ScaleInputs(s_start.AddSeconds(10), 4, 1, 10, 10, 40, 40), low);
        Assert.Null(again.LowSince);
    }
}
