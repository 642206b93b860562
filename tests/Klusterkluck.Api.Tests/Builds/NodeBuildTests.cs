using System.Net;

namespace Klusterkluck.Api.Tests.Builds;

/// <summary>
/// nodejs functions with dependencies: npm ci from the commit's lock file, against the real npm
/// registry, once per commit; the artifact serves every replica and every later deploy of it.
/// </summary>
public sealed class NodeBuildTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    internal const string PackageJson = """{"name":"padded","version":"1.0.0","private":true,"dependencies":{"left-pad":"1.3.0"}}""";

    internal const string PackageLock = """
        {
          "name": "padded",
          "version": "1.0.0",
          "lockfileVersion": 3,
          "requires": true,
          "packages": {
            "": { "name": "padded", "version": "1.0.0", "dependencies": { "left-pad": "1.3.0" } },
            "node_modules/left-pad": {
              "version": "1.3.0",
              "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQGinBN9yTQT3bFlCBy/aVx2HrNcqQGsdot8ghrjyrvMCoEA==",
              "license": "WTFPL"
            }
          }
        }
        """;

    internal const string PaddingHandler = "const leftPad = require('left-pad');\nmodule.exports = async (r) => `${process.env.MARK || ''}${leftPad(r.query.n || '7', 5, '0')}\\n`;\n";

    [Fact]
    public async Task ADependencyFromTheLockFileServesOnTwoReplicasFromOneBuildAndARollbackBuildsNothing()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "npm");
        await user.CreateFunctionAsync("padded", "nodejs", replicas: 2);
        await user.WaitReadyAsync("padded");

        var (first, function) = await user.PushAndDeployAsync("padded",
            new Dictionary<string, string> { ["package.json"] = PackageJson, ["package-lock.json"] = PackageLock, ["index.js"] = PaddingHandler });
        Assert.True(function.Status() == "ready", function.ToString());
        Assert.Equal("00042\n", await user.CallTextAsync("padded", "?n=42"));
        Assert.Equal(2, function.GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("state").GetString() == "ready"));
        var build = await user.BuildOfAsync("padded", first);
        Assert.Equal("succeeded", build.GetProperty("state").GetString());
        var log = build.GetProperty("log").GetString()!;
        // One build for both replicas: npm ran once, without install scripts, from the configured registry.
        Assert.Single(log.Split('\n'), line => line.StartsWith("$ npm ci", StringComparison.Ordinal));
        Assert.Contains("--ignore-scripts", log);
        Assert.EndsWith($"/api/v1/functions/padded/builds/{first}", function.GetProperty("deployment").GetProperty("build").GetString());

        var (second, _) = await user.PushAndDeployAsync("padded", new Dictionary<string, string> { ["index.js"] = PaddingHandler.Replace("5, '0'", "6, '0'") });
        Assert.Equal("000042\n", await user.CallTextAsync("padded", "?n=42"));

        // Back to the first commit: its artifact is still there, so no build runs again.
        await user.DeployAsync("padded", first);
        var back = await user.WaitReadyAsync("padded", first);
        Assert.Equal("00042\n", await user.CallTextAsync("padded", "?n=42"));
        Assert.Equal(build.GetProperty("startedAt").GetString(), (await user.BuildOfAsync("padded", first)).GetProperty("startedAt").GetString());
        Assert.NotEqual(first, second);
        Assert.NotNull(back.GetProperty("deployment").GetProperty("build").GetString());
    }

    [Fact]
    public async Task AMissingLockFileOrABrokenPackageJsonFailsWithItsReasonWhileThePreviousRevisionServes()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "nolock");
        await user.CreateFunctionAsync("hello", "nodejs");
        await user.WaitReadyAsync("hello");

        var (unlocked, function) = await user.PushAndDeployAsync("hello", new Dictionary<string, string> { ["package.json"] = PackageJson });
        Assert.Equal("failed", function.Status());
        Assert.Contains("the build failed: package.json has no lock file", function.Error());
        Assert.Equal("Hello, still!\n", await user.CallTextAsync("hello", "?name=still"));
        var build = await user.BuildOfAsync("hello", unlocked);
        Assert.Equal("failed", build.GetProperty("state").GetString());
        Assert.Contains("lock file", build.GetProperty("reason").GetString());

        var (_, broken) = await user.PushAndDeployAsync("hello", new Dictionary<string, string>
        {
            ["package.json"] = "{ \"name\": \"broken\", ",
            ["package-lock.json"] = PackageLock,
        });
        Assert.Equal("failed", broken.Status());
        Assert.Contains("package.json is not valid JSON", broken.Error());
        Assert.Equal("Hello, still!\n", await user.CallTextAsync("hello", "?name=still"));
        using var unknown = await user.Client.GetAsync("/api/v1/functions/hello/builds/0123456789abcdef0123456789abcdef01234567");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task InstallScriptsRunOnlyWhenKlusterkluckYamlAllowsThem()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "scripts");
        await user.CreateFunctionAsync("scripted", "nodejs");
        await user.WaitReadyAsync("scripted");
        var files = new Dictionary<string, string>
        {
            ["package.json"] = PackageJson.Replace("\"private\":true,",
                "\"private\":true,\"scripts\":{\"postinstall\":\"node -e \\\"require('fs').writeFileSync('made.txt', 'ran')\\\"\"},"),
            ["package-lock.json"] = PackageLock,
            ["index.js"] = "const fs = require('fs'), path = require('path');\n"
                + "module.exports = async () => (fs.existsSync(path.join(__dirname, 'made.txt')) ? 'scripts ran' : 'no scripts') + '\\n';\n",
        };

        var (_, ignored) = await user.PushAndDeployAsync("scripted", files);
        Assert.True(ignored.Status() == "ready", ignored.ToString());
        Assert.Equal("no scripts\n", await user.CallTextAsync("scripted"));

        var (allowed, function) = await user.PushAndDeployAsync("scripted", new Dictionary<string, string>
        {
            ["klusterkluck.yaml"] = "kind: nodejs\nhandler: index.js\ninstallScripts: true\n",
        });
        Assert.True(function.Status() == "ready", function.ToString());
        Assert.Equal("scripts ran\n", await user.CallTextAsync("scripted"));
        Assert.DoesNotContain("--ignore-scripts", (await user.BuildOfAsync("scripted", allowed)).GetProperty("log").GetString());
    }
}

