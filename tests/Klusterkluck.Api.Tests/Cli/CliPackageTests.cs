using System.Reflection;

namespace Klusterkluck.Api.Tests.Cli;

/// <summary>kk as people install it: dotnet pack makes the tool package, dotnet tool install puts kk on their path, and it works.</summary>
public sealed class CliPackageTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ThePackedToolInstallsAndItsKkClonesAndPullsWithItselfAsGitsHelper()
    {
        using var work = new TempFolder();
        var project = Path.Combine(Root(), "Klusterkluck.Cli");
        var configuration = typeof(CliPackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var packages = Path.Combine(work.Path, "packages");
        var tools = Path.Combine(work.Path, "tools");
        var pack = CommandLine.Run("dotnet", work.Path, null, TimeSpan.FromMinutes(5), "pack", project, "-c", configuration, "--no-build", "-o", packages);
        Assert.True(pack.ExitCode == 0, pack.Output + pack.Error);
        Assert.True(File.Exists(Path.Combine(packages, "Klusterkluck.Cli.0.1.0.nupkg")), pack.Output);
        var install = CommandLine.Run("dotnet", work.Path, null, TimeSpan.FromMinutes(5), "tool", "install", "Klusterkluck.Cli", "--tool-path", tools,
            "--add-source", packages, "--ignore-failed-sources");
        Assert.True(install.ExitCode == 0, install.Output + install.Error);

        using var kk = new Kk(Path.Combine(tools, "kk"));
        var version = await kk.RunAsync("--version");
        Assert.StartsWith("0.1.0", version.Output);
        Assert.Contains("Usage:\n  kk [command] [options]", (await kk.RunAsync("--help")).Output);

        var user = await UserSession.StartAsync(fixture.Api, "tool");
        await user.CreateFunctionAsync("tooled", "static");
        Assert.Equal(0, (await kk.RunWithInputAsync(user.Password + "\n", "login", "--server", fixture.Api.BaseUrl, "-u", user.Username, "--password-stdin")).ExitCode);
        var clone = await kk.RunAsync("fn", "clone", "tooled");
        Assert.True(clone.ExitCode == 0, clone.ToString());
        var folder = Path.Combine(kk.Folder, "tooled");
        Assert.Contains(Path.Combine(tools, "kk"), File.ReadAllText(Path.Combine(folder, ".git", "config")));
        var pull = kk.Git(folder, "pull", "-q");
        Assert.True(pull.ExitCode == 0, pull.Error);
        kk.AssertNoTokenPrinted();
    }

    private static string Root() => typeof(CliPackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;
}
