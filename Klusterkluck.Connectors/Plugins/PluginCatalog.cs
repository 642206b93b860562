using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.Connectors.Plugins;

/// <summary>A connector found in the plugins folder, with the folder it came from.</summary>
internal sealed record LoadedConnector(IConnector Connector, string Folder);

/// <summary>
/// Every connector in the plugins folder. Each plugin lives in its own folder, named after its
/// main assembly (plugins/X/X.dll, McMaster's layout), with its own dependencies beside it; it
/// gets its own load context, sharing only the contract (and logging) with the host.
/// </summary>
internal sealed class PluginCatalog
{
    private PluginCatalog(string folder, IReadOnlyList<LoadedConnector> connectors, IReadOnlyList<string> failures)
    {
        Folder = folder;
        Connectors = connectors;
        Failures = failures;
    }

    public string Folder { get; }

    public IReadOnlyList<LoadedConnector> Connectors { get; }

    /// <summary>Plugin folders that could not be loaded, one sentence each; the others still work.</summary>
    public IReadOnlyList<string> Failures { get; }

    public IConnector? Find(string name) =>
        Connectors.FirstOrDefault(c => string.Equals(c.Connector.Name, name, StringComparison.OrdinalIgnoreCase))?.Connector;

    public static PluginCatalog Load(string folder)
    {
        var connectors = new List<LoadedConnector>();
        var failures = new List<string>();
        if (!Directory.Exists(folder))
        {
            return new PluginCatalog(folder, connectors, [$"the plugins folder {folder} does not exist"]);
        }
        foreach (var pluginFolder in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var assemblyFile = Path.Combine(pluginFolder, Path.GetFileName(pluginFolder) + ".dll");
            if (!File.Exists(assemblyFile))
            {
                failures.Add($"{pluginFolder} has no {Path.GetFileName(assemblyFile)}");
                continue;
            }
            try
            {
                foreach (var connector in Instantiate(assemblyFile))
                {
                    if (connectors.Any(c => string.Equals(c.Connector.Name, connector.Name, StringComparison.OrdinalIgnoreCase)))
                    {
                        failures.Add($"{pluginFolder} declares connector '{connector.Name}' a second time; the first one is kept");
                        continue;
                    }
                    connectors.Add(new LoadedConnector(connector, pluginFolder));
                }
            }
            catch (Exception e)
            {
                // Anything a plugin folder throws (a bad image, a malformed deps.json, a throwing
                // constructor or Name) is that plugin's failure, never the other plugins'.
                failures.Add($"{pluginFolder} could not be loaded: {e.GetType().Name}: {e.Message}");
            }
        }
        return new PluginCatalog(folder, connectors, failures);
    }

    private static IEnumerable<IConnector> Instantiate(string assemblyFile)
    {
        // Sharing IConnector and ILogger makes the plugin see the host's copies of both
        // assemblies, so its types implement the host's interface; PreferSharedTypes extends that
        // to everything the host already has (ASP.NET Core for the http plugin).
        var loader = PluginLoader.CreateFromAssemblyFile(assemblyFile, [typeof(IConnector), typeof(ILogger)],
            config => config.PreferSharedTypes = true);
        var assembly = loader.LoadDefaultAssembly();
        return assembly.GetExportedTypes()
            .Where(type => typeof(IConnector).IsAssignableFrom(type) && type is { IsClass: true, IsAbstract: false }
                && type.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (IConnector)Activator.CreateInstance(type)!)
            .ToList();
    }
}
