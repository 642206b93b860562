namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>A process's memory as the kernel counts it (/proc/{pid}/status), in bytes.</summary>
public sealed record Memory(long Resident, long Peak)
{
    public static Memory Of(int processId)
    {
        var lines = File.ReadAllLines($"/proc/{processId}/status");
        // "VmRSS:	  123456 kB"
        long Field(string name) => long.Parse(lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..]
            .Trim().Split(' ')[0]) * 1024;
        return new Memory(Field("VmRSS"), Field("VmHWM"));
    }

    /// <summary>Makes the peak the current resident size, so that a later peak is what happened since.</summary>
    public static void ResetPeak(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");
}
