using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Klusterkluck.Cli.Terminal;

/// <summary>
/// YAML as another spelling of JSON: -o yaml prints the API's JSON as YAML, and a flow file in YAML
/// becomes the JSON the API takes. Plain scalars are typed by YAML 1.2's core schema (numbers,
/// true/false, null); quoted ones are always strings.
/// </summary>
public static partial class YamlText
{
    public static string FromJson(JsonElement json)
    {
        var text = new StringBuilder();
        using var writer = new StringWriter(text) { NewLine = "\n" };
        var document = new YamlDocument(ToYaml(json));
        new YamlStream(document).Save(writer, assignAnchors: false);
        // YamlStream ends every document with "...": one document needs no end marker.
        var yaml = text.ToString();
        return yaml.EndsWith("...\n", StringComparison.Ordinal) ? yaml[..^4] : yaml;
    }

    /// <summary>The JSON of the first document in <paramref name="yaml"/>.</summary>
    /// <exception cref="YamlException">Not YAML, with the line and column where it went wrong.</exception>
    public static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    private static YamlNode ToYaml(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => new YamlMappingNode(json.EnumerateObject().Select(p =>
            new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Name), ToYaml(p.Value)))),
        JsonValueKind.Array => new YamlSequenceNode(json.EnumerateArray().Select(ToYaml)),
        JsonValueKind.String => String(json.GetString()!),
        JsonValueKind.Null or JsonValueKind.Undefined => new YamlScalarNode("null"),
        _ => new YamlScalarNode(json.GetRawText()),
    };

    /// <summary>A string that would read back as something else (a number, true, null, empty, several lines) is quoted.</summary>
    private static YamlScalarNode String(string value) =>
        Typed(value)?.GetValueKind() == JsonValueKind.String && value.Length > 0 && value.Trim() == value && !value.Contains('\n') && !value.Contains(": ")
            && !value.Contains(" #") && "-?:,[]{}#&*!|>'\"%@`".IndexOf(value[0]) < 0
            ? new YamlScalarNode(value)
            : new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted };

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(p =>
            KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", ToJson(p.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Typed(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new YamlException(node.Start, node.End, "Aliases and tags are not supported in a flow file."),
    };

    /// <summary>A plain scalar by the core schema: null, a boolean, a number, or else the string itself.</summary>
    private static JsonNode? Typed(string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(value.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
        if (Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (Decimal().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Decimal();
}
