using System.Security;
using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Build;

/// <summary>
/// A dotnet function: <c>dotnet publish -c Release</c> of the C# project at the repository's root
/// into <see cref="BuildLayout.Dotnet"/>, restoring its packages from the configured NuGet sources
/// only (a nuget.config of the repository's adds none). bin/ and obj/ are not part of the artifact.
/// </summary>
public static class DotnetPublish
{
    public static async Task RunAsync(string tree, BuildSettings settings, string cache, string home, BuildCommand command)
    {
        string project;
        try
        {
            project = FunctionConfigReader.DotnetProject(tree);
        }
        catch (FunctionConfigException e)
        {
            throw new BuildFailedException(e.Message);
        }
        var sources = settings.NuGetSources.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var config = Path.Combine(home, "klusterkluck.nuget.config");
        await File.WriteAllTextAsync(config, NuGetConfig(sources));
        // The dotnet host this builder runs on has the SDK (the local runtime's, the builder image's).
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        await command.RunAsync(dotnet,
        [
            "publish", project, "-c", "Release", "-o", Path.Combine(tree, BuildLayout.Dotnet) + "/", "-nologo", "-nodeReuse:false", "-tl:off",
            // Global properties win over the project's own: these sources and no other.
            $"-p:RestoreConfigFile={config}", $"-p:RestoreSources={string.Join("%3B", sources)}",
            // No compiler server left behind by a build; each compile runs and ends with it.
            "-p:UseSharedCompilation=false",
        ], new Dictionary<string, string>
        {
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = Path.Combine(cache, "nuget"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "true",
            ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        });
        foreach (var folder in new[] { "bin", "obj" })
        {
            if (Directory.Exists(Path.Combine(tree, folder)))
            {
                Directory.Delete(Path.Combine(tree, folder), recursive: true);
            }
        }
    }

    private static string NuGetConfig(IEnumerable<string> sources) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n"
        + string.Concat(sources.Select((source, i) => $"    <add key=\"source{i}\" value=\"{SecurityElement.Escape(source)}\" />\n"))
        + "  </packageSources>\n</configuration>\n";
}
