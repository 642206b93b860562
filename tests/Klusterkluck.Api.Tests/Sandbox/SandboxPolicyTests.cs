namespace Klusterkluck.Api.Tests.Sandbox;

/// <summary>Without a sandbox the Api says so at start, and runs functions for one user only unless the operator accepts the risk.</summary>
public sealed class SandboxPolicyTests
{
    [Fact]
    public async Task UnsandboxedFunctionsRunForOneUserOnly()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Runtime__Local__Sandbox__Mode"] = "None" });
        Assert.Contains("Functions run UNSANDBOXED", api.Output, StringComparison.Ordinal);
        using var first = await UserSession.StartAsync(api, "first");
        using var second = await UserSession.StartAsync(api, "second");
        await first.CreateFunctionAsync("mine", "static");
        await first.WaitReadyAsync("mine");

        await second.CreateFunctionAsync("theirs", "static");
        var refused = await second.WaitDeployedAsync("theirs");

        Assert.Equal("failed", refused.GetProperty("state").GetString());
        var error = refused.GetProperty("deployment").GetProperty("error").GetString();
        Assert.Contains("unsandboxed", error, StringComparison.Ordinal);
        Assert.Contains("AcceptUnsandboxed", error, StringComparison.Ordinal);
        // Once the first user's function is gone, the machine is the second user's.
        await first.DeleteAsync("mine");
        await second.DeployAsync("theirs", refused.GetProperty("deployment").GetProperty("commit").GetString()!);
        await second.WaitReadyAsync("theirs");
    }

    [Fact]
    public async Task TheOperatorCanAcceptUnsandboxedFunctionsOfSeveralUsers()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["Runtime__Local__Sandbox__Mode"] = "None",
            ["Runtime__Local__Sandbox__AcceptUnsandboxed"] = "true",
        });
        foreach (var prefix in new[] { "one", "two" })
        {
            using var user = await UserSession.StartAsync(api, prefix);
            await user.CreateWithCodeAsync("who", "exec", new Dictionary<string, string> { ["handler.sh"] = "#!/bin/sh\nid -u\n" });
            // As the Api's own user: nothing switches users without a sandbox.
            Assert.Equal(OwnUid(), (await user.CallTextAsync("who")).Trim());
        }
    }

    /// <summary>The test's own uid, which the Api it starts shares.</summary>
    private static string OwnUid() => File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];

    [Fact]
    public async Task ARequiredSandboxThatCannotBeHadEndsTheApiWithOneLine()
    {
        using var data = new TempFolder();
        await using var api = ApiProcess.Start(data.Path, new Dictionary<string, string>
        {
            ["Runtime__Local__Sandbox__Mode"] = "Bubblewrap",
            // No bwrap on this PATH.
            ["PATH"] = Path.GetDirectoryName(Environment.ProcessPath)!,
        });
        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(api.Output.Split('\n'), l => l.StartsWith("klusterkluck-api: ", StringComparison.Ordinal));
        Assert.Contains("bwrap is not on PATH", line, StringComparison.Ordinal);
    }
}
