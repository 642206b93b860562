using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime;

/// <summary>
/// The environment a function's processes start with: a few basics from the worker plus the
/// function's own `env`. The worker's variables (KK_GIT_TOKEN above all) never reach user code.
/// </summary>
public static class ChildEnvironment
{
    private static readonly string[] s_inherited = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "NODE_PATH"];

    /// <param name="config">Null for the basics alone (a warm node with no function yet).</param>
    public static void Apply(IDictionary<string, string?> target, FunctionConfig? config)
    {
        target.Clear();
        foreach (var name in s_inherited)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                target[name] = value;
            }
        }
        foreach (var (name, value) in config?.Env ?? new Dictionary<string, string>())
        {
            target[name] = value;
        }
    }
}
