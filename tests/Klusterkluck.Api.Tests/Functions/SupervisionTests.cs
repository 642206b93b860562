using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Functions;

/// <summary>The local runtime keeps functions serving: through worker crashes and Api restarts.</summary>
public sealed class SupervisionTests
{
    [Fact]
    public async Task ACrashedWorkerIsRestarted()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path);
        using var user = await UserSession.StartAsync(api, "crash");
        await user.CreateFunctionAsync("phoenix", "nodejs");
        var pid = Instance(await user.WaitReadyAsync("phoenix")).GetProperty("processId").GetInt32();

        System.Diagnostics.Process.GetProcessById(pid).Kill();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement instance;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker was not restarted");
            await Task.Delay(100);
            instance = Instance(await user.GetFunctionAsync("phoenix"));
        }
        while (instance.GetProperty("state").GetString() != "ready");
        Assert.Equal(1, instance.GetProperty("restarts").GetInt32());
        Assert.NotEqual(pid, instance.GetProperty("processId").GetInt32());
        Assert.Equal("Hello, again!\n", await user.CallTextAsync("phoenix", "?name=again"));
    }

    [Fact]
    public async Task AHungWorkerIsTakenOutKilledAndRestarted()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Runtime__Local__ProbeInterval"] = "00:00:01" });
        using var user = await UserSession.StartAsync(api, "hung");
        await user.CreateFunctionAsync("frozen", "static");
        var pid = Instance(await user.WaitReadyAsync("frozen")).GetProperty("processId").GetInt32();

        // SIGSTOP: the process is there but answers nothing, as a deadlocked worker would.
        System.Diagnostics.Process.Start("kill", ["-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        JsonElement instance;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the hung worker was not replaced");
            await Task.Delay(200);
            instance = Instance(await user.GetFunctionAsync("frozen"));
        }
        while (instance.GetProperty("state").GetString() != "ready" || instance.GetProperty("processId").GetInt32() == pid);
        Assert.True(await Processes.WaitGoneAsync(pid, TimeSpan.FromSeconds(5)));
        Assert.Contains("<html", await user.CallTextAsync("frozen"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AfterAnApiRestartFunctionsServeAtTheirDeployedCommits()
    {
        using var data = new TempFolder();
        string second;
        int port;
        UserSession user;
        var pids = new List<int>();
        await using (var first = await ApiProcess.StartAsync(data.Path))
        {
            port = first.Port;
            user = await UserSession.StartAsync(first, "restart");
            await user.CreateFunctionAsync("lasting", "nodejs");
            await user.CreateFunctionAsync("page", "static", isPublic: true);
            await user.WaitReadyAsync("lasting");
            using var clone = Clone.Of(user, "lasting");
            second = clone.Write("klusterkluck.yaml", "kind: nodejs\nenv:\n  GREETING: Restored\n").CommitAndPush("Restored greeting");
            await user.DeployAsync("lasting", second);
            await user.WaitReadyAsync("lasting", second);
            var broken = clone.Write("klusterkluck.yaml", "kind: nodejs\nhandler: missing.js\n").CommitAndPush("Missing handler");
            await user.DeployAsync("lasting", broken);
            Assert.Equal("failed", (await user.WaitDeployedAsync("lasting")).GetProperty("state").GetString());
            await user.WaitReadyAsync("page");
            foreach (var name in new[] { "lasting", "page" })
            {
                pids.Add(Instance(await user.GetFunctionAsync(name)).GetProperty("processId").GetInt32());
            }
        }
        // A stopped Api stops its workers.
        foreach (var pid in pids)
        {
            Assert.True(await Processes.WaitGoneAsync(pid, TimeSpan.FromSeconds(15)), $"worker {pid} outlived the Api's shutdown");
        }

        // The same Api again (same data folder and address, so the same issuer and tokens).
        await using var again = await ApiProcess.StartAsync(data.Path, port: port);
        using var after = new HttpClient { BaseAddress = new Uri(again.BaseUrl) };
        after.DefaultRequestHeaders.Authorization = user.Client.DefaultRequestHeaders.Authorization;
        await WaitServingAsync(after, $"/fn/{user.Username}/lasting/?name=you");
        Assert.Equal("Restored, you!\n", await after.GetStringAsync($"/fn/{user.Username}/lasting/?name=you"));
        Assert.Contains("<html", await after.GetStringAsync($"/fn/{user.Username}/page/"), StringComparison.OrdinalIgnoreCase);
        var function = await after.GetFromJsonAsync<JsonElement>("/api/v1/functions/lasting");
        Assert.Equal(second, function.GetProperty("deployedCommit").GetString());
        user.Dispose();
    }

    [Fact]
    public async Task WorkersDoNotOutliveAKilledApi()
    {
        using var data = new TempFolder();
        var api = await ApiProcess.StartAsync(data.Path);
        int pid;
        await using (api)
        {
            using var user = await UserSession.StartAsync(api, "orphan");
            await user.CreateFunctionAsync("child", "exec");
            pid = Instance(await user.WaitReadyAsync("child")).GetProperty("processId").GetInt32();
            api.Kill();
        }
        Assert.True(await Processes.WaitGoneAsync(pid, TimeSpan.FromSeconds(15)), "the worker outlived the Api");
    }

    private static JsonElement Instance(JsonElement function) => function.GetProperty("instances")[0];

    private static async Task WaitServingAsync(HttpClient client, string path)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync(path);
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{path} never served after the restart");
    }
}
