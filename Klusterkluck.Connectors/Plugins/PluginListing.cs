using System.Text.Json;
using System.Text.Json.Serialization;
using Klusterkluck.Connectors.Hosting;

namespace Klusterkluck.Connectors.Plugins;

/// <summary>
/// <c>--list</c>: every loaded connector with its variables, and the host's own. <c>--json</c>
/// prints the same as one JSON document, the form the control plane's connector catalog reads.
/// </summary>
internal static class PluginListing
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Listing(IReadOnlyList<ConnectorEntry> Connectors, IReadOnlyList<ConnectorVariable> HostVariables, IReadOnlyList<string> Failures);

    private sealed record ConnectorEntry(string Name, string Description, string Folder, IReadOnlyList<ConnectorVariable> Variables);

    public static int Write(PluginCatalog catalog, TextWriter output, TextWriter errors, bool json)
    {
        var connectors = catalog.Connectors
            .OrderBy(c => c.Connector.Name, StringComparer.Ordinal)
            .Select(c => new ConnectorEntry(c.Connector.Name, c.Connector.Description, c.Folder, c.Connector.Variables))
            .ToList();
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new Listing(connectors, HostVariables.All, catalog.Failures), s_json));
            return 0;
        }
        output.WriteLine($"Connectors in {catalog.Folder}:");
        foreach (var connector in connectors)
        {
            output.WriteLine();
            output.WriteLine($"{connector.Name}: {connector.Description}");
            WriteVariables(output, connector.Variables);
        }
        output.WriteLine();
        output.WriteLine("Every connector also reads:");
        WriteVariables(output, HostVariables.All);
        foreach (var failure in catalog.Failures)
        {
            errors.WriteLine($"warning: {failure}");
        }
        return 0;
    }

    private static void WriteVariables(TextWriter output, IEnumerable<ConnectorVariable> variables)
    {
        foreach (var variable in variables)
        {
            List<string> traits = [];
            if (variable.Required)
            {
                traits.Add("required");
            }
            if (variable.Format != VariableFormat.Text)
            {
                traits.Add(JsonNamingPolicy.KebabCaseLower.ConvertName(variable.Format.ToString()));
            }
            if (variable.Secret)
            {
                traits.Add("secret");
            }
            if (variable.Listen)
            {
                traits.Add("listen address");
            }
            if (variable.MaxPayload)
            {
                traits.Add("largest payload");
            }
            if (variable.Default is { } value)
            {
                traits.Add($"default {value}");
            }
            var shown = traits.Count > 0 ? $" ({string.Join(", ", traits)})" : "";
            output.WriteLine($"  {variable.Name}{shown}: {variable.Description}");
        }
    }
}
