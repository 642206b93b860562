using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>
/// A 202 from a flow's http connector is a promise that the event runs: it is answered only once
/// the Api has committed the event's run, so neither the Api nor the connector dying afterwards
/// (kill -9) can lose it, and a caller's retries with the same Idempotency-Key land on one run.
/// </summary>
public sealed class ConnectorAcceptanceTests
{
    private const int Events = 60;

    [Fact]
    public async Task EveryEventAnsweredWith202RunsExactlyOnceThoughTheApiIsKilledWhileEventsArrive()
    {
        using var data = new TempFolder();
        var api = await ApiProcess.StartAsync(data.Path, QuickEngine);
        var port = api.Port;
        string username, password, url;
        using (var user = await UserSession.StartAsync(api, "accept"))
        {
            (username, password) = (user.Username, user.Password);
            await user.CreateWithCodeAsync("tag", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.body + '+tag';\n" });
            await user.CreateFlowAsync("promises", [Http("in"), Function("t", "tag")], [Edge("in", "t")]);
            await user.DeployFlowAsync("promises");
            url = await user.ConnectorUrlAsync("promises", "in");
        }

        // Four clients post concurrently; after the tenth 202 the Api is killed, and no new event is started on the dying connector.
        var accepted = new ConcurrentDictionary<int, string>();
        var answered = 0;
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, Events));
        using var killed = new CancellationTokenSource();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!killed.IsCancellationRequested && queue.TryDequeue(out var i))
            {
                if (await PostAsync(http, url, i) is { } runId)
                {
                    accepted[i] = runId;
                    if (Interlocked.Increment(ref answered) == 10)
                    {
                        api.Kill();
                        await killed.CancelAsync();
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(clients);
        Assert.True(killed.IsCancellationRequested, "the Api was not killed: fewer than 10 events were accepted");
        await api.WaitForExitAsync();
        await api.DisposeAsync();
        var acceptedBeforeTheKill = accepted.ToDictionary();
        Assert.InRange(acceptedBeforeTheKill.Count, 10, Events - 1);

        await using var restarted = await ApiProcess.StartAsync(data.Path, QuickEngine, port);
        using var again = await UserSession.LoginAsync(restarted, username, password);
        var newUrl = await again.ConnectorUrlAsync("promises", "in");
        // Every event not answered 202, again with its key, until it is; none that was is sent again.
        foreach (var i in Enumerable.Range(0, Events).Where(i => !acceptedBeforeTheKill.ContainsKey(i)))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            string? runId;
            while ((runId = await PostAsync(http, newUrl, i)) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"event {i} was not accepted after the restart\n{restarted.Output}");
                await Task.Delay(500);
            }
            accepted[i] = runId;
        }

        var runs = await again.WaitRunsOverAsync("promises", Events, TimeSpan.FromSeconds(120));
        Assert.Equal(Events, runs.Count);
        var outputs = new Dictionary<string, string>();
        foreach (var summary in runs)
        {
            var run = await again.GetRunAsync("promises", summary.GetProperty("id").GetGuid());
            Assert.Equal("succeeded", run.GetProperty("status").GetString());
            outputs[run.GetProperty("id").GetGuid().ToString()] = run.Step("t").OutputText()!;
        }
        // One run per key, and each 202's run id is that run, before the kill or after it.
        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"event-{i}+tag").Order(), outputs.Values.Order());
        foreach (var (i, runId) in accepted)
        {
            Assert.Equal($"event-{i}+tag", outputs[runId]);
        }
    }

    [Fact]
    public async Task AnEventsRunCompletesThoughItsConnectorIsKilledRightAfterIts202()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, QuickEngine);
        using var user = await UserSession.StartAsync(api, "connkill");
        await user.CreateWithCodeAsync("slow", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = async (r) => { await new Promise((ok) => setTimeout(ok, 1500)); return r.body + '+slow'; };\n",
        });
        await user.CreateFlowAsync("sturdy", [Http("in"), Function("s", "slow")], [Edge("in", "s")]);
        await user.DeployFlowAsync("sturdy");
        var url = await user.ConnectorUrlAsync("sturdy", "in");
        var pid = (await user.GetFlowAsync("sturdy")).GetProperty("connectors")[0].GetProperty("processId").GetInt32();
        using var http = new HttpClient();

        var runId = await PostAsync(http, url, 7);
        System.Diagnostics.Process.GetProcessById(pid).Kill();

        Assert.NotNull(runId);
        var run = await user.WaitRunAsync("sturdy", Guid.Parse(runId));
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("event-7+slow", run.Step("s").OutputText());
        Assert.Single(await user.GetRunsAsync("sturdy"));
    }

    /// <summary>Posts event <paramref name="i"/> with its own key; its run id on a 202, null on anything else (a 503, a connector gone).</summary>
    private static async Task<string?> PostAsync(HttpClient http, string url, int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent($"event-{i}", Encoding.UTF8, "text/plain") };
        request.Headers.Add("Idempotency-Key", $"event-key-{i}");
        try
        {
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                return null;
            }
            var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
            Assert.Equal($"event-key-{i}", body.GetProperty("deliveryId").GetString());
            return body.GetProperty("runId").GetString();
        }
        catch (HttpRequestException)
        {
            // The connector went with the Api: not accepted, so retried.
            return null;
        }
    }
}
