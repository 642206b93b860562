using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Usage;

/// <summary><c>Usage:*</c>: metering of each user's functions.</summary>
public sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>Off: nothing is counted or stored (the store keeps what it has).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the counts go to the store: what a killed Api can lose at most.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Minutes older than this are deleted (checked every hour).</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;
}
