using Klusterkluck.Connectors.Outbox;
using Klusterkluck.Connectors.Plugins;

namespace Klusterkluck.Connectors.Hosting;

/// <summary>The connector KK_CONNECTOR names, its settings and the host's, all checked before anything runs.</summary>
internal sealed record ConnectorSelection(IConnector Connector, ConnectorSettings Settings, DeliveryOptions Delivery, bool ExitWithStdin)
{
    /// <summary>The selection, or null and a one-line <paramref name="error"/> saying everything that is wrong.</summary>
    public static ConnectorSelection? Select(PluginCatalog catalog, Func<string, string?> read, out string? error)
    {
        var host = new ConnectorSettings(HostVariables.All, read);
        var name = host.Get(HostVariables.Connector);
        if (name is null)
        {
            error = $"{HostVariables.Connector} is required: {Available(catalog)}";
            return null;
        }
        var connector = catalog.Find(name);
        if (connector is null)
        {
            error = $"{HostVariables.Connector} '{name}' is not a loaded connector: {Available(catalog)}";
            return null;
        }
        var settings = new ConnectorSettings(connector.Variables, read);
        List<string> problems = [.. host.Problems, .. settings.Problems];
        if (host.GetUrl(HostVariables.TargetUrl) is { } target && target.Scheme is not ("http" or "https"))
        {
            problems.Add($"{HostVariables.TargetUrl} must be an http or https URL, not '{target}'");
        }
        if (settings.Problems.Count == 0)
        {
            problems.AddRange(connector.Validate(settings));
        }
        if (problems.Count > 0)
        {
            error = $"connector '{connector.Name}' cannot start: {string.Join("; ", problems)}";
            return null;
        }
        error = null;
        return new ConnectorSelection(connector, settings, DeliveryOptions.From(connector.Name, host), host.GetBoolean(HostVariables.ExitWithStdin) == true);
    }

    private static string Available(PluginCatalog catalog)
    {
        var names = catalog.Connectors.Select(c => c.Connector.Name).Order(StringComparer.Ordinal).ToList();
        var available = names.Count > 0 ? $"available: {string.Join(", ", names)}" : $"no connectors were found in {catalog.Folder}";
        return catalog.Failures.Count > 0 ? $"{available}; not loaded: {string.Join("; ", catalog.Failures)}" : available;
    }
}
