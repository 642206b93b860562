using System.Reflection;
using k8s;

namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>
/// Checks Kubernetes objects two ways: against the OpenAPI schemas of their API versions
/// (tests/kubernetes-schema, kubernetes-models' validators: types, required fields, enums,
/// formats), and by loading them strictly into KubernetesClient's models, which rejects any
/// field the API version does not have (a misspelt <c>readinesProbe</c>, say).
/// </summary>
public static class KubernetesSchema
{
    public static readonly string RepositoryRoot = Path.GetFullPath(typeof(KubernetesSchema).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    /// <summary>Every problem found, one per line; empty when all objects are valid.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(string yaml)
    {
        var problems = new List<string>();
        try
        {
            KubernetesYaml.LoadAllFromString(yaml, strict: true);
        }
        catch (Exception e)
        {
            problems.Add($"strict load: {e.Message}");
        }
        using var file = new TempFolder();
        var path = Path.Combine(file.Path, "objects.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var (exitCode, output) = Run("node", Path.Combine(RepositoryRoot, "tests", "kubernetes-schema", "validate.mjs"), path);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        problems.AddRange(lines.Where(l => !l.EndsWith(" problems", StringComparison.Ordinal)));
        if (exitCode != 0 && problems.Count == 0)
        {
            problems.Add($"validate.mjs exited with {exitCode}: {output}");
        }
        return problems;
    }

    /// <summary>Runs a program in the repository's root; its exit code and its standard output and error together.</summary>
    public static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var (exitCode, output, error) = CommandLine.Run(program, RepositoryRoot, null, TimeSpan.FromMinutes(2), arguments);
        return (exitCode, output + error);
    }
}
