namespace Klusterkluck.Functions;

/// <summary>
/// Where a build leaves what it made inside the function's tree, which is the artifact the
/// workers get instead of a git checkout: the repository's files at the commit, what the build
/// added (node_modules, a command's output) and this folder.
/// </summary>
public static class BuildLayout
{
    /// <summary>The platform's folder in a built tree; a repository may not have one of its own.</summary>
    public const string Folder = ".klusterkluck";

    /// <summary>A dotnet function's <c>dotnet publish</c> output: its assembly, its deps.json and its packages' assemblies.</summary>
    public const string Dotnet = Folder + "/dotnet";

    /// <summary>A JSON object: the commit built (<c>commit</c>) and its kind (<c>kind</c>).</summary>
    public const string Manifest = Folder + "/build.json";
}
