using System.CommandLine;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.Functions;

/// <summary>A function's throttle on the command line, the same for kk fn new and kk fn set.</summary>
internal sealed class ThrottleOptions
{
    public Option<int?> RateLimit { get; } = new("--rate-limit")
    {
        Description = "At most this many requests per --per seconds (more get 429); 0 removes the limit",
        HelpName = "requests",
    };

    public Option<int?> Per { get; } = new("--per") { Description = "The rate limit's window (default 1)", HelpName = "seconds" };

    public Option<int?> MaxInFlight { get; } = new("--max-in-flight") { Description = "At most this many requests at once (more get 429); 0 removes the limit" };

    public IEnumerable<Option> All => [RateLimit, Per, MaxInFlight];

    /// <summary>"at most 10 per 60 s, 3 at once", or null when the function has no throttle.</summary>
    public static string? Describe(FunctionInfo f)
    {
        var parts = new List<string>();
        if (f.RateLimit is { } rate)
        {
            parts.Add(f.RateLimitWindowSeconds == 1 ? $"{rate} requests per second" : $"{rate} requests per {f.RateLimitWindowSeconds} s");
        }
        if (f.MaxInFlight is { } most)
        {
            parts.Add($"{most} at once");
        }
        return parts.Count == 0 ? null : "at most " + string.Join(", ", parts);
    }
}
