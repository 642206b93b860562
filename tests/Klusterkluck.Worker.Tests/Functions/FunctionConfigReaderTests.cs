using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Tests.Functions;

public sealed class FunctionConfigReaderTests
{
    [Fact]
    public void FullConfigIsRead()
    {
        var config = FunctionConfigReader.Parse("""
            kind: exec
            command: ./bin/run --fast
            root: site
            timeout: 1500ms
            env: { GREETING: hi, LEVEL: "3" }
            """);

        Assert.Equal(FunctionKind.Exec, config.Kind);
        Assert.Equal(["./bin/run", "--fast"], config.Command);
        Assert.Equal("site", config.Root);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.Timeout);
        Assert.Equal("3", config.Env["LEVEL"]);
    }

    [Fact]
    public void DefaultsApply()
    {
        var config = FunctionConfigReader.Parse("kind: nodejs");

        Assert.Equal("index.js", config.Handler);
        Assert.Equal(".", config.Root);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Timeout);
    }

    [Theory]
    [InlineData("kind: static\nroot: ../elsewhere", "'root' must be a path inside the repository")]
    [InlineData("kind: nodejs\nhandler: /etc/passwd", "'handler' must be a path inside the repository")]
    [InlineData("kind: exec\ncommand: /bin/sh", "'command' must be a file of the repository")]
    [InlineData("kind: nodejs\ntimeout: 2h", "must be at least 1ms and at most 15m")]
    [InlineData("kind: nodejs\ntimeout: 0.00001ms", "must be at least 1ms and at most 15m")]
    [InlineData("kind: nodejs\ntimeout: 99999999999999999999h", "must be at least 1ms and at most 15m")]
    [InlineData("kind: nodejs\nenv: { 1BAD: x }", "env name '1BAD'")]
    [InlineData("- just\n- a list", "must be a mapping")]
    [InlineData("", "must be a mapping")]
    public void MistakesAreReportedInOneLine(string yaml, string expected)
    {
        var error = Assert.Throws<FunctionConfigException>(() => FunctionConfigReader.Parse(yaml));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(FunctionKind.NodeJs)]
    [InlineData(FunctionKind.Exec)]
    [InlineData(FunctionKind.Static)]
    public void EveryTemplateHasAValidConfig(FunctionKind kind)
    {
        var files = FunctionTemplates.For(kind);
        var yaml = System.Text.Encoding.UTF8.GetString(files.Single(f => f.Path == FunctionConfig.FileName).Content);

        Assert.Equal(kind, FunctionConfigReader.Parse(yaml).Kind);
        Assert.Equal(kind == FunctionKind.Exec, files.Any(f => f.Executable));
    }
}
