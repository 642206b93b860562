namespace Klusterkluck.Api.Runtime.Scaling;

/// <summary>
/// How many replicas a function wants from its concurrency, as Knative's autoscaler decides:
/// the average over the stable window divided by the target per replica; a burst (the short
/// window asking for <see cref="ScalingOptions.PanicThreshold"/> times the replicas there are)
/// starts panic mode, which scales up at once and never down until the bursts stop for a stable
/// window; and a lower count is taken only once it has been enough for the scale-down delay.
/// Pure: the caller keeps <see cref="ScaleState"/> between ticks.
/// </summary>
public static class ScalePolicy
{
    public static (int Replicas, ScaleState State, string? Reason) Decide(ScalingOptions options, ScaleInputs inputs, ScaleState state)
    {
        var min = Math.Max(1, inputs.Min);
        var max = Math.Max(min, inputs.Max);
        var stable = Clamp((int)Math.Ceiling(inputs.StableAverage / inputs.Target), min, max);
        var panic = Clamp((int)Math.Ceiling(inputs.PanicAverage / inputs.Target), min, max);
        var current = inputs.Current;

        var panicUntil = state.PanicUntil;
        if (inputs.PanicAverage / inputs.Target >= options.PanicThreshold * Math.Max(1, current) && panic > current)
        {
            panicUntil = inputs.Now + options.StableWindow;
        }
        if (panicUntil > inputs.Now)
        {
            var wanted = Math.Max(current, Math.Max(panic, stable));
            return (wanted, new ScaleState(panicUntil, null),
                wanted > current ? $"panic: {inputs.PanicAverage:0.#} in flight over {options.PanicWindow.TotalSeconds:0.#} s for a target of {inputs.Target} each" : null);
        }
        if (stable > current)
        {
            return (stable, new ScaleState(null, null), $"{inputs.StableAverage:0.#} in flight over {options.StableWindow.TotalSeconds:0} s for a target of {inputs.Target} each");
        }
        if (stable < current)
        {
            var lowSince = state.LowSince ?? inputs.Now;
            return inputs.Now - lowSince >= options.ScaleDownDelay
                ? (stable, new ScaleState(null, null),
                    $"{inputs.StableAverage:0.#} in flight over {options.StableWindow.TotalSeconds:0} s for {options.ScaleDownDelay.TotalSeconds:0} s: fewer replicas are enough")
                : (current, new ScaleState(null, lowSince), null);
        }
        return (current, new ScaleState(null, null), null);
    }

    private static int Clamp(int value, int min, int max) => Math.Min(max, Math.Max(min, value));
}

/// <param name="Now">The time of this tick.</param>
/// <param name="Current">Replicas running (ready or starting).</param>
/// <param name="Target">Requests in flight per replica aimed at.</param>
public readonly record struct ScaleInputs(DateTime Now, int Current, int Min, int Max, int Target, double StableAverage, double PanicAverage);

/// <param name="PanicUntil">Panic mode's end, while in it.</param>
/// <param name="LowSince">Since when fewer replicas would have been enough.</param>
public readonly record struct ScaleState(DateTime? PanicUntil, DateTime? LowSince);
