namespace Klusterkluck.Testing;

/// <summary>Processes of this machine, read from /proc.</summary>
public static class Processes
{
    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    /// <summary>Waits (bounded) until the process is gone; false if it is still there after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (!IsAlive(pid))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>Every process below <paramref name="roots"/> (children, their children…) with its command line.</summary>
    public static Dictionary<int, string> Descendants(params int[] roots)
    {
        var processes = Each(folder => new Entry(ParentOf(folder), CommandOf(folder)));
        var below = new Dictionary<int, string>();
        var queue = new Queue<int>(roots);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (child, entry) in processes.Where(p => p.Value.Parent == parent))
            {
                below[child] = entry.Command;
                queue.Enqueue(child);
            }
        }
        return below;
    }

    /// <summary>The processes whose environment holds any of <paramref name="markers"/> (a folder's path, a port), with their command lines.</summary>
    public static Dictionary<int, string> WithEnvironment(params string[] markers) =>
        Each(folder => File.ReadAllText(Path.Combine(folder, "environ")) is var environment
            && markers.Any(m => environment.Contains(m, StringComparison.Ordinal)) ? CommandOf(folder) : null);

    /// <summary>The live processes whose command line holds <paramref name="marker"/>, by id.</summary>
    public static IReadOnlyList<int> WithCommand(string marker) =>
        [.. Each(folder => CommandOf(folder) is var command && command.Contains(marker, StringComparison.Ordinal) && IsAlive(int.Parse(Path.GetFileName(folder), System.Globalization.CultureInfo.InvariantCulture)) ? command : null).Keys];

    private sealed record Entry(int Parent, string Command);

    /// <summary>
    /// <paramref name="read"/> of every process's /proc folder, by id; left out are the processes it
    /// answers null for, those gone meanwhile and those not ours to read.
    /// </summary>
    private static Dictionary<int, T> Each<T>(Func<string, T?> read) where T : class
    {
        var found = new Dictionary<int, T>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }
            try
            {
                if (read(folder) is { } value)
                {
                    found[pid] = value;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }

    /// <summary>The parent is the 4th field of stat, after the command in parentheses (which may hold spaces).</summary>
    private static int ParentOf(string folder)
    {
        var stat = File.ReadAllText(Path.Combine(folder, "stat"));
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string CommandOf(string folder) => File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Trim();
}
