using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>
/// The worker's process environment made the function's: a dotnet function runs inside the
/// worker, so the variables it reads are this process's. The function's <c>env</c> is added and
/// the worker's own KK_* variables (KK_GIT_TOKEN above all) are removed; the worker read them
/// into <see cref="WorkerOptions"/> when it started and needs them no more.
/// </summary>
/// <remarks>
/// This keeps the worker's settings out of the function's ordinary reads, it does not make them
/// secret from code that hunts for them: that code runs in the worker's process, with its memory
/// and its services. Changes are .NET's own view of the environment, which the processes the
/// function starts inherit; native libraries reading getenv still see the process's first one.
/// </remarks>
internal static class FunctionEnvironment
{
    private const string WorkerPrefix = "KK_";

    public static void Apply(FunctionConfig config)
    {
        var worker = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith(WorkerPrefix, StringComparison.Ordinal))
            .ToList();
        foreach (var name in worker)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        foreach (var (name, value) in config.Env)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
