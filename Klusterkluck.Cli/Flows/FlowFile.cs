using System.Text.Json;
using System.Text.Json.Nodes;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;
using YamlDotNet.Core;

namespace Klusterkluck.Cli.Flows;

/// <summary>A flow written in a file, JSON or YAML: the same fields as the API's (name, nodes, edges, layout).</summary>
public sealed record FlowFile(string Name, FlowDefinitionInfo Definition)
{
    public static FlowFile Read(string path, string? name)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"There is no file '{path}'.");
        }
        var text = File.ReadAllText(path);
        var json = Parse(path, text) as JsonObject ?? throw new CliException(ExitCodes.Refused, $"{path}: a flow is an object with name, nodes and edges.");
        var flowName = name ?? (json["name"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null)
            ?? throw new CliException(ExitCodes.Refused, $"{path}: the flow has no name: add \"name\", or pass --name.");
        json.Remove("name");
        try
        {
            var definition = json.Deserialize<FlowDefinitionInfo>(PlatformClient.Json)!;
            return new FlowFile(flowName, definition with { Nodes = definition.Nodes ?? [], Edges = definition.Edges ?? [] });
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Refused, $"{path}: {e.Path}: not what a flow holds there ({e.Message.Split(" Path:")[0]})");
        }
    }

    private static JsonNode? Parse(string path, string text)
    {
        var yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        if (!yaml)
        {
            try
            {
                return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException e) when (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException(ExitCodes.Refused, $"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not JSON: {e.Message.Split(" Path:")[0]}");
            }
            catch (JsonException)
            {
                // Neither .json nor .yaml: YAML reads JSON too, so try it as YAML.
            }
        }
        try
        {
            return YamlText.ToJson(text);
        }
        catch (YamlException e)
        {
            throw new CliException(ExitCodes.Refused, $"{path}:{e.Start.Line}:{e.Start.Column}: not YAML: {e.Message}");
        }
    }
}
