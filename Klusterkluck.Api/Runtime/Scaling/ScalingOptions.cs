using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Runtime.Scaling;

/// <summary>Section <c>Scaling</c>: how autoscaling on concurrency reads load (as Knative's autoscaler does).</summary>
public sealed class ScalingOptions
{
    public const string Section = "Scaling";

    /// <summary>The window the average concurrency is taken over in stable mode; scale-down looks no shorter than this.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan StableWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The short window that detects a burst, as a share of the stable one.</summary>
    [Range(1, 100)]
    public int PanicWindowPercent { get; set; } = 10;

    /// <summary>Panic when the short window asks for this many times the replicas there are: then it only scales up, at once.</summary>
    [Range(1.1, 100)]
    public double PanicThreshold { get; set; } = 2.0;

    /// <summary>How long fewer replicas must be enough before any is removed: scale-down is slower than scale-up.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ScaleDownDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan PanicWindow => StableWindow * PanicWindowPercent / 100;
}
