using System.Text.Json;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Source;

namespace Klusterkluck.Worker.Build;

/// <summary>
/// One build of a function at one commit: check it out, run what its kind needs (npm ci, dotnet
/// publish, the configured build command), and leave the tree (without .git) as the artifact
/// workers get instead of a checkout.
/// </summary>
public sealed class FunctionBuild(WorkerOptions options, BuildSettings settings)
{
    /// <summary>Builds into <paramref name="tree"/> (empty) and returns the commit's full sha.</summary>
    public async Task<string> RunAsync(string tree, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settings.Timeout;
        var url = Required(options.GitUrl, "KK_GIT_URL");
        var commit = Required(options.GitCommit, "KK_GIT_COMMIT");
        var sha = GitCheckout.Checkout(url, commit, tree, options.GitToken, options.Owner);
        Console.WriteLine($"Building {options.Function ?? "the function"} at {sha[..12]}");
        Directory.Delete(Path.Combine(tree, ".git"), recursive: true);
        if (Path.Exists(Path.Combine(tree, BuildLayout.Folder)))
        {
            throw new BuildFailedException($"the repository has its own {BuildLayout.Folder}, a name the platform's builds write to");
        }
        FunctionConfig config;
        try
        {
            config = FunctionConfigReader.Load(tree);
        }
        catch (FunctionConfigException e)
        {
            throw new BuildFailedException(e.Message);
        }

        // HOME and caches live outside the tree: none of it goes into the artifact.
        var home = Directory.CreateTempSubdirectory("kk-build-home-").FullName;
        var cache = settings.Cache is { Length: > 0 } configured ? configured : Path.Combine(home, "cache");
        var command = new BuildCommand(tree, home, deadline, BuildSettings.OperatorEnvironment());
        try
        {
            switch (config.Kind)
            {
                case FunctionKind.NodeJs when NpmInstall.Applies(tree):
                    await NpmInstall.RunAsync(tree, config.InstallScripts, settings, cache, home, command);
                    break;
                case FunctionKind.Dotnet:
                    await DotnetPublish.RunAsync(tree, settings, cache, home, command);
                    break;
                case FunctionKind.Exec or FunctionKind.Static when config.Build is { } build:
                    await command.RunAsync("/bin/sh", ["-c", build], label: $"the build command '{build}'");
                    break;
                default:
                    Console.WriteLine($"Nothing to build for this {config.Kind.ToName()} function");
                    break;
            }
        }
        finally
        {
            TryDelete(home);
        }
        Directory.CreateDirectory(Path.Combine(tree, BuildLayout.Folder));
        await File.WriteAllTextAsync(Path.Combine(tree, BuildLayout.Manifest),
            JsonSerializer.Serialize(new { commit = sha, kind = config.Kind.ToName() }), cancellationToken);
        return sha;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder; the sandbox's own goes with it.
        }
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new BuildFailedException($"{name} is required") : value;
}
