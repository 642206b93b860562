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

    /// <summary>Every process below <paramref name="root"/> (children, their children…) with its command line.</summary>
    public static Dictionary<int, string> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        var commands = new Dictionary<int, string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }
            try
            {
                // The parent is the 4th field, after the command in parentheses (which may hold spaces).
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                commands[pid] = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        var below = new Dictionary<int, string>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                below[child] = commands[child];
                queue.Enqueue(child);
            }
        }
        return below;
    }

    /// <summary>The processes whose environment holds <paramref name="marker"/> (a folder's path, a port), with their command lines.</summary>
    public static Dictionary<int, string> WithEnvironment(string marker)
    {
        var found = new Dictionary<int, string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(folder, "environ")).Contains(marker, StringComparison.Ordinal))
                {
                    found[pid] = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Trim();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }
}
