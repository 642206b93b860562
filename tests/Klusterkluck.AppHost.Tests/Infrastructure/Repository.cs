using System.Reflection;

namespace Klusterkluck.AppHost.Tests.Infrastructure;

/// <summary>The repository these tests were built from, and the AppHost run from it as a user runs it.</summary>
public static class Repository
{
    public static string Root { get; } = Path.GetFullPath(typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!);

    /// <summary>`dotnet run --project Klusterkluck.AppHost --no-build -- ARGS` from the repository's root (already built by the test build).</summary>
    public static (int ExitCode, string Output, string Error) RunAppHost(TimeSpan timeout, params string[] arguments) =>
        CommandLine.Run("dotnet", Root, new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1" }, timeout,
            ["run", "--project", "Klusterkluck.AppHost", "--no-build", "--", .. arguments]);
}
