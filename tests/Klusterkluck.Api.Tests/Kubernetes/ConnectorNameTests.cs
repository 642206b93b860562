using System.Text.RegularExpressions;
using Klusterkluck.Api.Functions;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Runtime.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>A connector's objects share the user's namespace with the functions' objects: their names must never meet.</summary>
public sealed partial class ConnectorNameTests
{
    public static TheoryData<string, string> Nodes => new()
    {
        { "a", "b" },
        { "orders", "tick" },
        { new string('f', 40), new string('n', 40) },
        // Cut right after a hyphen of the node, which must not end the readable part.
        { new string('f', 40), "nnnnn-nnn" },
        { "f" + new string('-', 38) + "f", "n" },
        { "a-b", "c" },
        { "a", "b-c" },
    };

    [Theory]
    [MemberData(nameof(Nodes))]
    public void ConnectorNamesAreLabelsThatNoFunctionObjectCanTake(string flow, string node)
    {
        var name = ConnectorObjects.Name(new ConnectorId("alice", flow, node));

        Assert.Matches(DnsLabel(), name);
        Assert.InRange(name.Length, Function.MaxNameLength + 1, 63);
        // A function's Secret, {function}-git, can be longer than any function name.
        Assert.False(name.EndsWith("-git", StringComparison.Ordinal));
        Assert.StartsWith($"flow-{flow}-{node}"[..Math.Min(20, flow.Length + node.Length + 6)], name);
    }

    [Fact]
    public void ConnectorNamesTellApartWhatTheirReadablePartMerges()
    {
        var names = Nodes.Select(row => ConnectorObjects.Name(new ConnectorId("alice", (string)row[0], (string)row[1]))).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        // Users are told apart by their namespaces, so the name is of the flow and node alone.
        Assert.Equal(ConnectorObjects.Name(new ConnectorId("alice", "a", "b-c")), ConnectorObjects.Name(new ConnectorId("bob", "a", "b-c")));
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex DnsLabel();
}
