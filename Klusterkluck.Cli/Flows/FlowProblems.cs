using System.Text.RegularExpressions;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.Flows;

/// <summary>A flow the API refused: each problem on its own line, saying where: "nodes[2] (upper).ref: …".</summary>
public static partial class FlowProblems
{
    public static CliException Explain(CliContext kk, ApiProblem problem, FlowDefinitionInfo definition)
    {
        var failure = kk.Fail(problem);
        if (problem.Errors.Count == 0)
        {
            return failure;
        }
        var lines = problem.Errors.OrderBy(e => e.Key, StringComparer.Ordinal)
            .SelectMany(e => e.Value.Select(message => $"{Where(e.Key, definition)}: {message}"))
            .ToList();
        return new CliException(failure.ExitCode, $"The flow is not valid ({lines.Count} problem{(lines.Count == 1 ? "" : "s")}):", lines);
    }

    /// <summary>The API's key with the node's id or the edge's ends added, so the line points into the file.</summary>
    private static string Where(string key, FlowDefinitionInfo definition)
    {
        var match = Indexed().Match(key);
        if (!match.Success || !int.TryParse(match.Groups[2].Value, out var index))
        {
            return key;
        }
        var label = match.Groups[1].Value switch
        {
            "nodes" when index < definition.Nodes.Count => $" ({definition.Nodes[index].Id})",
            "edges" when index < definition.Edges.Count => $" ({definition.Edges[index].From} → {definition.Edges[index].To})",
            _ => "",
        };
        return key.Insert(match.Length, label);
    }

    [GeneratedRegex(@"^(nodes|edges)\[(\d+)\]", RegexOptions.IgnoreCase)]
    private static partial Regex Indexed();
}
