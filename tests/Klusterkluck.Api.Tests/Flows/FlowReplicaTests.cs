using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Klusterkluck.Api.Data;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>Two Api replicas on one PostgreSQL store share the flow engine's work without running a step twice.</summary>
public sealed class FlowReplicaTests
{
    private const int EventsPerReplica = 25;

    [Fact]
    public async Task TwoReplicasShareTheStepsAndRunEachExactlyOnce()
    {
        await using var store = TestStore.Create(StoreProvider.PostgreSQL);
        using var data = new TempFolder();
        // Each step reports to a receiver of the test's own: a sandboxed function writes no host file.
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string[]>();
        await using var calls = await LoopbackServer.StartAsync(app => app.MapPost("/", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            lines.Enqueue((await reader.ReadToEndAsync()).Split(' '));
            return Results.Ok();
        }));
        var firstPort = ServiceProcess.FreePort();
        // One issuer for both, as behind one ingress: a user's token is good at either replica.
        var environment = new Dictionary<string, string>(store.ApiEnvironment())
        {
            ["Identity__Issuer"] = $"http://127.0.0.1:{firstPort}/",
        };
        foreach (var (name, value) in QuickEngine)
        {
            environment[name] = value;
        }
        // A claim outlives any step here, so a step that runs twice was claimed twice, not retried.
        environment["Flows__StepLease"] = "00:01:00";

        await using var first = await ApiProcess.StartAsync(data.Path, environment, firstPort);
        using var owner = await UserSession.StartAsync(first, "replicas");
        // Every worker's node is pid 3 in its own namespace: a random id tells the processes apart.
        var record = $$"""
            const http = require('http');
            const worker = require('crypto').randomUUID();
            module.exports = (r) => new Promise((resolve, reject) => {
              const call = http.request(process.env.CALLS, { method: 'POST' }, res => { res.resume(); res.on('end', () => resolve(r.body + '.')); });
              call.on('error', reject);
              call.end(`${r.headers['idempotency-key']} ${worker}`);
            });

            """;
        foreach (var name in new[] { "one", "two" })
        {
            await owner.CreateWithCodeAsync(name, "nodejs", new Dictionary<string, string>
            {
                ["index.js"] = record,
                ["klusterkluck.yaml"] = $"kind: nodejs\nhandler: index.js\nenv:\n  CALLS: {calls.BaseUrl}/\n",
            });
        }
        // A cron that never fires: the connector only marks the source; events come in by hand, at both replicas.
        await owner.CreateFlowAsync("shared", [Connector("in", "timer", ("KK_TIMER_CRON", "0 0 0 1 1 ? 2099")), Function("a", "one"), Function("b", "two")],
            [Edge("in", "a"), Edge("a", "b")]);
        await owner.DeployFlowAsync("shared");

        await using var second = await ApiProcess.StartAsync(data.Path, environment);
        using var atSecond = await UserSession.LoginAsync(second, owner.Username, owner.Password);
        // The second replica brings its own workers up at start; its view of a function is ready once they are.
        foreach (var function in new[] { "one", "two" })
        {
            var ready = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((await atSecond.GetFunctionAsync(function)).GetProperty("state").GetString() != "ready")
            {
                Assert.True(DateTime.UtcNow < ready, $"{function} did not get ready at the second replica\n{second.Output}");
                await Task.Delay(100);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, EventsPerReplica).Select(async i =>
        {
            await owner.SendEventAsync("shared", "in", $"first-{i}");
            await atSecond.SendEventAsync("shared", "in", $"second-{i}");
        }));

        var runs = await owner.WaitRunsOverAsync("shared", 2 * EventsPerReplica, TimeSpan.FromSeconds(120));

        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(4 * EventsPerReplica, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => l[0]).Distinct().Count());
        // Both replicas' workers ran steps: each replica runs its own worker per function.
        Assert.True(lines.Select(l => l[1]).Distinct().Count() >= 3, $"steps ran in too few workers: {string.Join(", ", lines.Select(l => l[1]).Distinct())}");
    }
}
