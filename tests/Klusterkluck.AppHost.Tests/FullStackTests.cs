using System.Diagnostics;
using Klusterkluck.AppHost.Tests.Infrastructure;

namespace Klusterkluck.AppHost.Tests;

public sealed class FullStackTests
{
    [Fact]
    public void TheFullStackWithoutAContainerEngineFailsAtOnceInOneLine()
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, _, error) = Repository.RunAppHost(TimeSpan.FromSeconds(90), "--FullStack", "true");

        Assert.Equal(1, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("klusterkluck-apphost: --FullStack needs a container engine", line, StringComparison.Ordinal);
        Assert.Contains("postgres, keycloak", line, StringComparison.Ordinal);
    }
}
