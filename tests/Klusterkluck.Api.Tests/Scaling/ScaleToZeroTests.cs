using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Api.Tests.Scaling;

/// <summary>A function with no minimum: no worker when idle, and back on its next request (local runtime, real workers).</summary>
public sealed class ScaleToZeroTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AFunctionAtZeroServesTwentyConcurrentRequestsFromOneStartAndGoesBackToZero()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "zero");
        await user.CreateFunctionAsync("napper", "nodejs");
        await user.WaitReadyAsync("napper");
        var patched = await PatchAsync(user, "napper", new { minReplicas = 0, idleTimeoutSeconds = 1 });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal(0, patched.Body.GetProperty("minReplicas").GetInt32());
        Assert.Equal(1, patched.Body.GetProperty("idleTimeoutSeconds").GetInt32());

        var asleep = await WaitForStateAsync(user, "napper", "idle");
        Assert.Empty(asleep.GetProperty("instances").EnumerateArray());
        Assert.Equal(0, asleep.GetProperty("scale").GetProperty("wanted").GetInt32());
        Assert.Contains("scaled to zero", asleep.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());

        // Twenty at once find no worker: all are held while one starts, and all are served.
        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await user.CallAsync("napper", $"?name=n{i}");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });
        var answers = await Task.WhenAll(calls);
        Assert.All(answers.Select((a, i) => (a, i)), x =>
        {
            Assert.Equal(HttpStatusCode.OK, x.a.StatusCode);
            Assert.Equal($"Hello, n{x.i}!\n", x.a.Body);
        });
        var awake = await user.GetFunctionAsync("napper");
        var instance = Assert.Single(awake.GetProperty("instances").EnumerateArray());
        Assert.Equal("ready", instance.GetProperty("state").GetString());
        Assert.Equal("ready", awake.GetProperty("state").GetString());
        Assert.Matches(@"^a request arrived: started 1 replica in \d+ ms(, a warm one from the pool)?$", awake.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());

        // Idle again: no worker, and the process is gone.
        var again = await WaitForStateAsync(user, "napper", "idle");
        Assert.Empty(again.GetProperty("instances").EnumerateArray());
        var processId = instance.GetProperty("processId").GetInt32();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (IsRunning(processId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.False(IsRunning(processId), "the worker's process still runs");
    }

    [Fact]
    public async Task AColdStartThatFailsAnswers503WithTheReasonAndTheNextRequestTriesAgain()
    {
        // The function asks this server at every start whether to start: so the test decides when a start fails.
        var verdict = "ok";
        await using var oracle = await LoopbackServer.StartAsync(app => app.MapGet("/", () => verdict));
        using var user = await UserSession.StartAsync(fixture.Api, "cold");
        await user.CreateWithCodeAsync("moody", "nodejs", new Dictionary<string, string>
        {
            ["klusterkluck.yaml"] = "kind: nodejs\nhandler: index.mjs\n",
            ["index.mjs"] = $$"""
                const verdict = await (await fetch('{{oracle.BaseUrl}}/')).text();
                if (verdict !== 'ok') throw new Error(`told not to start: ${verdict}`);
                export default async () => 'up\n';
                """,
        });
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(user, "moody", new { minReplicas = 0, idleTimeoutSeconds = 1 }, wait: true)).Status);
        await WaitForStateAsync(user, "moody", "idle");

        verdict = "not today";
        using (var refused = await user.CallAsync("moody"))
        {
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("5", refused.Headers.RetryAfter?.ToString());
            Assert.Contains("told not to start: not today", problem.GetProperty("detail").GetString());
        }
        // The invoke endpoint (the console's and kk's "try it") says the same.
        using (var invoked = await user.Client.PostAsync("/api/v1/functions/moody/invoke?method=GET", null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, invoked.StatusCode);
            Assert.Contains("It could not start: ", await invoked.Content.ReadAsStringAsync());
        }
        var failed = await user.GetFunctionAsync("moody");
        Assert.Equal("idle", failed.GetProperty("state").GetString());
        Assert.Contains("cold start failed", failed.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
        Assert.Contains("told not to start: not today", failed.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());

        verdict = "ok";
        Assert.Equal("up\n", await user.CallTextAsync("moody"));
    }

    [Fact]
    public async Task AStrangerNeitherWakesAPrivateFunctionNorLearnsThatItExists()
    {
        using var owner = await UserSession.StartAsync(fixture.Api, "owner");
        using var stranger = await UserSession.StartAsync(fixture.Api, "stranger");
        await owner.CreateFunctionAsync("secret", "nodejs");
        await owner.WaitReadyAsync("secret");
        await PatchAsync(owner, "secret", new { minReplicas = 0, idleTimeoutSeconds = 1 });
        await WaitForStateAsync(owner, "secret", "idle");

        using var anonymous = await fixture.Api.Client.GetAsync($"/fn/{owner.Username}/secret/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var other = await stranger.CallAsync("secret", owner: owner.Username);
        using var missing = await stranger.CallAsync("nosuch", owner: owner.Username);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(Without(await missing.Content.ReadFromJsonAsync<JsonElement>(), "traceId"),
            Without(await other.Content.ReadFromJsonAsync<JsonElement>(), "traceId"));
        var still = await owner.GetFunctionAsync("secret");
        Assert.Equal("idle", still.GetProperty("state").GetString());
        Assert.Contains("scaled to zero", still.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> PatchAsync(UserSession user, string name, object settings, bool wait = false)
    {
        using var response = await user.Client.PatchAsJsonAsync($"/api/v1/functions/{name}{(wait ? "?wait=true" : "")}", settings);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    internal static async Task<JsonElement> WaitForStateAsync(UserSession user, string name, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var function = await user.GetFunctionAsync(name);
            if (function.GetProperty("state").GetString() == state)
            {
                return function;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{name} never got {state}: {function}");
            await Task.Delay(100);
        }
    }

    private static string Without(JsonElement problem, string field) =>
        string.Join(",", problem.EnumerateObject().Where(p => p.Name != field).Select(p => $"{p.Name}={p.Value}"));

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
