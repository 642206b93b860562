using System.Reflection;

namespace Klusterkluck.Connectors.Tests.Infrastructure;

/// <summary>The connector host, built by this solution, run as a real process.</summary>
public static class ConnectorHost
{
    private static readonly Assembly s_tests = typeof(ConnectorHost).Assembly;

    public static readonly string Assembly = Path.GetFullPath(Metadata("ConnectorsAssembly"));

    /// <summary>The built sample third-party plugin's output folder (its X.dll and deps.json).</summary>
    public static readonly string SamplePluginFolder = Path.GetFullPath(Metadata("SamplePluginFolder"));

    /// <summary>
    /// A connector's variables: <paramref name="connector"/> delivering to <paramref name="target"/>,
    /// retrying within a fraction of a second (a test waits for the retries), and its own <paramref name="settings"/>.
    /// </summary>
    public static Dictionary<string, string> Environment(string connector, string target, IEnumerable<(string Name, string Value)> settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = connector,
            ["KK_TARGET_URL"] = target,
            ["KK_DELIVERY_BACKOFF"] = "50ms",
            ["KK_DELIVERY_BACKOFF_MAX"] = "300ms",
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>Starts a connector and waits until its host answers /health.</summary>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var process = ServiceProcess.Start(Assembly, Isolated(environment));
        await process.WaitReadyAsync("/health");
        return process;
    }

    /// <summary>Runs the host to its end, as a shell would: for --list and for configurations that must not start.</summary>
    public static (int ExitCode, string Output, string Error) Run(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        return CommandLine.Run("dotnet", Path.GetDirectoryName(Assembly)!, Isolated(environment), TimeSpan.FromSeconds(60), [Assembly, .. arguments]);
    }

    /// <summary>Nothing of the test runner's own environment may stand in for a variable under test.</summary>
    public static Dictionary<string, string> Isolated(IReadOnlyDictionary<string, string> environment)
    {
        var isolated = new Dictionary<string, string>(environment);
        foreach (var name in new[] { "KK_CONNECTOR", "KK_TARGET_URL", "CALLBACK_URL", "KK_PLUGINS_PATH" })
        {
            isolated.TryAdd(name, "");
        }
        return isolated;
    }

    private static string Metadata(string key) =>
        s_tests.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
