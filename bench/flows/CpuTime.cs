using System.Globalization;

/// <summary>
/// CPU time (user + system) spent so far by the processes of one tree: a root and everything it
/// started, read from /proc. Processes that came and went between two readings are not counted;
/// the ones measured here (the Api's workers, node shims and connector, PostgreSQL's backends of a
/// pooled connection) live for the whole run.
/// </summary>
internal static class CpuTime
{
    // Linux reports CPU in clock ticks of 1/100 s (sysconf(_SC_CLK_TCK) is 100 on every distribution we run).
    private const double TicksPerSecond = 100;

    /// <summary>The root's own CPU time, and that of all its descendants together.</summary>
    public static (TimeSpan Root, TimeSpan Descendants) Of(int root)
    {
        var stats = ReadAll();
        if (!stats.TryGetValue(root, out var own))
        {
            return default;
        }
        var descendants = Descendants(root, stats).Sum(pid => stats[pid].Ticks);
        return (Ticks(own.Ticks), Ticks(descendants));
    }

    /// <summary>Every process the root started, and the ones they started, now.</summary>
    public static IReadOnlyCollection<int> Descendants(int root) => Descendants(root, ReadAll());

    private static Dictionary<int, (int Parent, long Ticks)> ReadAll()
    {
        var stats = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
            {
                stats[pid] = stat;
            }
        }
        return stats;
    }

    private static HashSet<int> Descendants(int root, Dictionary<int, (int Parent, long Ticks)> stats)
    {
        var tree = new HashSet<int> { root };
        // Parents are listed before their children only by chance: repeat until nothing joins.
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (pid, (parent, _)) in stats)
            {
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    grown = true;
                }
            }
        }
        tree.Remove(root);
        return tree;
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    /// <summary>/proc/{pid}/stat: the parent is field 4, utime and stime fields 14 and 15 (the name, field 2, may hold spaces).</summary>
    private static (int Parent, long Ticks)? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
