using Klusterkluck.Functions;
using Klusterkluck.Testing;

namespace Klusterkluck.Worker.Tests.Functions;

/// <summary>A klusterkluck.yaml over its limit is refused without being read whole.</summary>
public sealed class ConfigSizeLimitsTests
{
    [Fact]
    public void AConfigOverTheLimitIsRefused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, FunctionConfig.FileName), $"kind: static\n# {new string('x', FunctionConfig.MaxFileBytes)}\n");

        var error = Assert.Throws<FunctionConfigException>(() => FunctionConfigReader.Load(folder.Path));

        Assert.Contains($"a config may have at most {FunctionConfig.MaxFileBytes}", error.Message);
    }

    [Fact]
    public void AConfigThatNeverEndsIsRefusedAtTheLimit()
    {
        using var folder = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(folder.Path, FunctionConfig.FileName), "/dev/zero");

        var error = Assert.Throws<FunctionConfigException>(() => FunctionConfigReader.Load(folder.Path));

        Assert.Contains("a config may have at most", error.Message);
    }

    [Fact]
    public void AConfigAtTheLimitIsRead()
    {
        using var folder = new TempFolder();
        var head = "kind: static\n# ";
        File.WriteAllText(Path.Combine(folder.Path, FunctionConfig.FileName), head + new string('x', FunctionConfig.MaxFileBytes - head.Length - 1) + "\n");

        Assert.Equal(FunctionKind.Static, FunctionConfigReader.Load(folder.Path).Kind);
    }
}
