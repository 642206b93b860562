namespace Klusterkluck.Api.Tests.Builds;

/// <summary>
/// exec and static functions build only when klusterkluck.yaml names a command; it runs once per
/// commit with none of the Api's environment, and at Builds:Timeout it dies with its children.
/// </summary>
public sealed class CommandBuildTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private ApiProcess _api = null!;

    /// <summary>A short build time limit, and no builds kept beyond the deployed one and the one before it.</summary>
    private static readonly Dictionary<string, string> s_settings = new() { ["Builds__Timeout"] = "00:00:06", ["Builds__KeepArtifacts"] = "0" };

    public async Task InitializeAsync() => _api = await ApiProcess.StartAsync(_data.Path, s_settings);

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task ABuildCommandRunsWithACleanEnvironmentAndWhatItMadeServes()
    {
        using var user = await UserSession.StartAsync(_api, "make");
        await user.CreateFunctionAsync("made", "exec");
        await user.WaitReadyAsync("made");

        var (sha, function) = await user.PushAndDeployAsync("made", new Dictionary<string, string>
        {
            ["klusterkluck.yaml"] = "kind: exec\ncommand: ./handler.sh\nbuild: sh make.sh\n",
            ["make.sh"] = "echo \"made at build time\" > made.txt\nenv > build-env.txt\n",
            ["handler.sh"] = "#!/bin/sh\ncat made.txt build-env.txt\n",
        });

        Assert.True(function.Status() == "ready", function.ToString());
        var body = await user.CallTextAsync("made");
        Assert.StartsWith("made at build time\n", body);
        // The build saw its own basics, nothing of the Api's (its data folder, its listen address, the platform's KK_ variables).
        Assert.Contains("HOME=", body);
        Assert.DoesNotContain("KK_", body);
        Assert.DoesNotContain("ASPNETCORE_", body);
        Assert.DoesNotContain("DataFolder", body);
        Assert.DoesNotContain(_data.Path, body);
        Assert.Equal("succeeded", (await user.BuildOfAsync("made", sha)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ABuildThatHangsIsKilledAtItsTimeoutWithItsChildrenAndThePreviousRevisionServes()
    {
        using var user = await UserSession.StartAsync(_api, "hang");
        await user.CreateFunctionAsync("stuck", "exec");
        await user.WaitReadyAsync("stuck");

        var (sha, function) = await user.PushAndDeployAsync("stuck", new Dictionary<string, string>
        {
            ["klusterkluck.yaml"] = "kind: exec\ncommand: ./handler.sh\nbuild: sleep 4711 & sleep 4712\n",
        });

        Assert.Equal("failed", function.Status());
        Assert.Contains("the build failed: the build command 'sleep 4711 & sleep 4712' was still running at the build's time limit", function.Error());
        Assert.Empty(Processes.WithCommand("sleep 4711").Concat(Processes.WithCommand("sleep 4712")));
        var build = await user.BuildOfAsync("stuck", sha);
        Assert.Equal("failed", build.GetProperty("state").GetString());
        Assert.InRange(build.GetProperty("seconds").GetDouble(), 5, 30);
        using var call = await user.CallAsync("stuck", "", new StringContent("still"));
        Assert.Equal("Hello, still!\n", await call.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheDeployedAndThePreviousBuildsAreKeptOthersPrunedAndARestartBuildsNothing()
    {
        using var user = await UserSession.StartAsync(_api, "prune");
        await user.CreateFunctionAsync("made", "exec");
        await user.WaitReadyAsync("made");
        var shas = new List<string>();
        foreach (var n in new[] { "one", "two", "three" })
        {
            var (sha, function) = await user.PushAndDeployAsync("made", new Dictionary<string, string>
            {
                ["klusterkluck.yaml"] = $"kind: exec\ncommand: ./handler.sh\nbuild: echo {n} > made.txt\n",
                ["handler.sh"] = "#!/bin/sh\ncat made.txt\n",
            });
            Assert.True(function.Status() == "ready", function.ToString());
            shas.Add(sha);
        }

        using (var pruned = await user.Client.GetAsync($"/api/v1/functions/made/builds/{shas[0]}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, pruned.StatusCode);
        }
        Assert.Equal("succeeded", (await user.BuildOfAsync("made", shas[1])).GetProperty("state").GetString());
        var built = (await user.BuildOfAsync("made", shas[2])).GetProperty("startedAt").GetString();

        // The Api comes back on the same port and data folder: the deployed commit serves from its artifact, built once.
        var port = _api.Port;
        await _api.DisposeAsync();
        _api = await ApiProcess.StartAsync(_data.Path, s_settings, port);
        using var again = await UserSession.LoginAsync(_api, user.Username, user.Password);
        for (var i = 0; i < 600 && (await again.GetFunctionAsync("made")).GetProperty("state").GetString() != "ready"; i++)
        {
            await Task.Delay(100);
        }
        await again.WaitReadyAsync("made", shas[2]);
        Assert.Equal("three\n", await again.CallTextAsync("made"));
        Assert.Equal(built, (await again.BuildOfAsync("made", shas[2])).GetProperty("startedAt").GetString());

        await again.DeleteAsync("made");
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "builds", user.Username, "made")));
    }
}
