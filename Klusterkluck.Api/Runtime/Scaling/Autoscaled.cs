namespace Klusterkluck.Api.Runtime.Scaling;

/// <summary>What autoscaling on concurrency reads and keeps of a function, whichever runtime runs it.</summary>
internal interface IAutoscaled
{
    FunctionDeployment Deployment { get; }

    /// <summary>Requests in flight now.</summary>
    int InFlight { get; }

    /// <summary>Replicas it has now.</summary>
    int Current { get; }

    /// <summary>Awake and not changing already: a decision may be taken.</summary>
    bool Settled { get; }

    ConcurrencyWindow? Window { get; set; }

    ScaleState ScaleState { get; set; }
}

/// <summary>One tick of autoscaling on concurrency: samples what is in flight and, when settled, asks the policy.</summary>
internal static class Autoscaler
{
    /// <summary>The replicas to go to and why, or null to stay; nothing for a function without a target and a maximum above its minimum.</summary>
    public static (int Wanted, string Reason)? Tick(IAutoscaled function, ScalingOptions policy)
    {
        var deployment = function.Deployment;
        if (deployment is not { TargetConcurrency: { } target, MaxReplicas: { } max } || max <= Math.Max(1, deployment.Replicas))
        {
            return null;
        }
        var now = Environment.TickCount64;
        function.Window ??= new ConcurrencyWindow(policy.StableWindow);
        function.Window.Add(now, function.InFlight);
        if (!function.Settled)
        {
            return null;
        }
        var inputs = new ScaleInputs(DateTime.UtcNow, function.Current, deployment.Replicas, max, target,
            function.Window.Average(now, policy.StableWindow), function.Window.Average(now, policy.PanicWindow));
        var (wanted, state, reason) = ScalePolicy.Decide(policy, inputs, function.ScaleState);
        function.ScaleState = state;
        return wanted != inputs.Current && reason is not null ? (wanted, reason) : null;
    }
}
