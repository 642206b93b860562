using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>A dotnet function's <c>dotnet publish</c> output in its built tree (<see cref="BuildLayout.Dotnet"/>).</summary>
internal static class PublishFolder
{
    private const string DepsSuffix = ".deps.json";

    /// <summary>
    /// The path of the function's own assembly: the X.dll beside the folder's one X.deps.json. A
    /// publish writes one deps.json, named after the project's assembly, whatever the project's name.
    /// </summary>
    public static string EntryAssembly(string tree)
    {
        var folder = Path.Combine(tree, BuildLayout.Dotnet);
        if (!Directory.Exists(folder))
        {
            throw new WorkerStartupException(
                $"{BuildLayout.Dotnet} is missing: a dotnet function runs from its build (dotnet publish), and this tree was not built");
        }
        var assemblies = Directory.EnumerateFiles(folder, "*" + DepsSuffix)
            .Select(deps => deps[..^DepsSuffix.Length] + ".dll")
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .ToList();
        return assemblies switch
        {
            [var one] => one,
            [] => throw new WorkerStartupException(
                $"{BuildLayout.Dotnet} has no X.deps.json beside an X.dll: it is not the output of dotnet publish"),
            _ => throw new WorkerStartupException(
                $"{BuildLayout.Dotnet} holds {assemblies.Count} published assemblies ({string.Join(", ", assemblies.Select(Path.GetFileName))}); a function publishes one"),
        };
    }
}
