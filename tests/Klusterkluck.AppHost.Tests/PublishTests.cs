using Klusterkluck.AppHost.Tests.Infrastructure;

namespace Klusterkluck.AppHost.Tests;

/// <summary>deploy/ is what the AppHost publishes: one model, not two.</summary>
public sealed class PublishTests
{
    [Fact]
    public void TheCommittedDeployFolderIsWhatTheAppHostPublishes()
    {
        using var output = new TempFolder();
        var (exitCode, stdout, stderr) = Repository.RunAppHost(TimeSpan.FromMinutes(2),
            "--operation", "publish", "--step", "publish", "--output-path", output.Path);
        Assert.True(exitCode == 0, $"publish failed ({exitCode}): {stdout}\n{stderr}");

        var committed = Path.Combine(Repository.Root, "deploy");
        var differences = Differences(committed, output.Path);
        Assert.True(differences.Count == 0,
            "deploy/ differs from the AppHost's model; change the model (Klusterkluck.AppHost), then regenerate deploy/ with "
            + "`dotnet run --project Klusterkluck.AppHost -- --operation publish --step publish --output-path deploy`:\n"
            + string.Join('\n', differences));
    }

    /// <summary>Each file that only one side has, or that both have with other contents.</summary>
    internal static List<string> Differences(string committed, string published)
    {
        static Dictionary<string, string> Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);
        var expected = Files(committed);
        var actual = Files(published);
        var differences = new List<string>();
        differences.AddRange(expected.Keys.Except(actual.Keys).Select(f => $"only in deploy/: {f}"));
        differences.AddRange(actual.Keys.Except(expected.Keys).Select(f => $"only in the publish output: {f}"));
        differences.AddRange(expected.Keys.Intersect(actual.Keys).Where(f => expected[f] != actual[f]).Select(f => $"differs: {f}"));
        differences.Sort(StringComparer.Ordinal);
        return differences;
    }
}
