namespace Klusterkluck.Api.Tests.Sandbox;

/// <summary>Nothing a function starts outlives its replica: not a detached child in a session of its own, not after a kill -9 of the Api.</summary>
public sealed class SandboxLifetimeTests
{
    [Fact]
    public async Task ADetachedChildOfAnExecFunctionEndsWithItsReplica()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path);
        using var user = await UserSession.StartAsync(api, "detach");
        var marker = Marker();
        // setsid and a background shell: out of the request's process group, and of its session.
        // The handler waits until the child is in its session: the request's group dies with the request.
        await user.CreateWithCodeAsync("daemon", "exec", new Dictionary<string, string>
        {
            ["handler.sh"] = $"#!/bin/sh\nsetsid sh -c 'touch /tmp/up; exec sleep {marker}' </dev/null >/dev/null 2>&1 &\n"
                + "while [ ! -e /tmp/up ]; do sleep 0.05; done\necho started\n",
        });
        Assert.Equal("started\n", await user.CallTextAsync("daemon"));
        Assert.True(await WaitAsync(() => Processes.WithCommand($"sleep {marker}").Count == 1), "the detached child never ran");

        await user.DeleteAsync("daemon");

        Assert.True(await WaitAsync(() => Processes.WithCommand($"sleep {marker}").Count == 0), "the detached child outlived its replica");
    }

    [Fact]
    public async Task ADetachedChildOfANodeFunctionEndsWithAKilledApi()
    {
        using var data = new TempFolder();
        var api = await ApiProcess.StartAsync(data.Path);
        var marker = Marker();
        await using (api)
        {
            using var user = await UserSession.StartAsync(api, "orphan");
            await user.CreateWithCodeAsync("daemon", "nodejs", new Dictionary<string, string>
            {
                ["index.js"] = $$"""
                    require("child_process").spawn("sleep", ["{{marker}}"], { detached: true, stdio: "ignore" }).unref();
                    module.exports = () => "started";
                    """,
            });
            Assert.True(await WaitAsync(() => Processes.WithCommand($"sleep {marker}").Count == 1), "the detached child never ran");
            api.Kill();
        }
        Assert.True(await WaitAsync(() => Processes.WithCommand($"sleep {marker}").Count == 0), "the detached child outlived a killed Api");
    }

    /// <summary>A sleep no other process on the machine runs: seconds with a random fraction.</summary>
    private static string Marker() => $"{Random.Shared.Next(100_000, 999_999)}.{Random.Shared.Next(100, 999)}";

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
