using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>The flow API as a user drives it, with the waits the end-to-end tests need.</summary>
public static class FlowClient
{
    /// <summary>The environment that makes the engine quick enough for tests: short backoffs, polls and claims.</summary>
    public static readonly IReadOnlyDictionary<string, string> QuickEngine = new Dictionary<string, string>
    {
        ["Flows__RetryBackoff"] = "00:00:00.200",
        ["Flows__PollInterval"] = "00:00:00.200",
        ["Flows__StepLease"] = "00:00:03",
    };

    public static async Task<JsonElement> CreateFlowAsync(this UserSession user, string name, object[] nodes, object[] edges)
    {
        using var response = await user.Client.PostAsJsonAsync("/api/v1/flows", new { name, nodes, edges });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create flow answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    public static async Task<JsonElement> DeployFlowAsync(this UserSession user, string name)
    {
        using var response = await user.Client.PostAsync($"/api/v1/flows/{name}/deploy", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"deploy flow answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    public static async Task<JsonElement> GetFlowAsync(this UserSession user, string name)
    {
        using var response = await user.Client.GetAsync($"/api/v1/flows/{name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>An event sent by hand to a connector node; returns its run's id.</summary>
    public static async Task<Guid> SendEventAsync(this UserSession user, string flow, string node, string body, string contentType = "text/plain",
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/flows/{flow}/events/{node}")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var response = await user.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"event answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("runId").GetGuid();
    }

    /// <summary>
    /// The run with all its steps, each with its payloads: every page of the run's steps, then each
    /// step on its own (a page lists steps without their payloads' bodies).
    /// </summary>
    public static async Task<JsonElement> GetRunAsync(this UserSession user, string flow, Guid run)
    {
        var first = await user.Client.GetFromJsonAsyncOk($"/api/v1/flows/{flow}/runs/{run}?limit=1000");
        var whole = JsonNode.Parse(first.GetRawText())!.AsObject();
        var steps = new JsonArray();
        for (var page = first; ; page = await user.Client.GetFromJsonAsyncOk($"/api/v1/flows/{flow}/runs/{run}?limit=1000&after={page.GetProperty("next").GetString()}"))
        {
            foreach (var step in page.GetProperty("steps").EnumerateArray())
            {
                var detail = await user.Client.GetFromJsonAsyncOk($"/api/v1/flows/{flow}/runs/{run}/steps/{step.GetProperty("id").GetGuid()}");
                steps.Add(JsonNode.Parse(detail.GetRawText()));
            }
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                break;
            }
        }
        whole["steps"] = steps;
        return JsonSerializer.Deserialize<JsonElement>(whole.ToJsonString());
    }

    public static async Task<List<JsonElement>> GetRunsAsync(this UserSession user, string flow, int limit = 1000)
    {
        using var response = await user.Client.GetAsync($"/api/v1/flows/{flow}/runs?limit={limit}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }

    /// <summary>Waits (bounded) until the run is over; returns it with its steps.</summary>
    public static async Task<JsonElement> WaitRunAsync(this UserSession user, string flow, Guid run, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = await user.Client.GetFromJsonAsyncOk($"/api/v1/flows/{flow}/runs/{run}?limit=1");
            if (found.GetProperty("status").GetString() != "running")
            {
                return await user.GetRunAsync(flow, run);
            }
            Assert.True(DateTime.UtcNow < deadline, $"run {run} still running: {found}\n{user.Api.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits (bounded) until a finished run satisfies <paramref name="match"/>; returns it with its steps.</summary>
    public static async Task<JsonElement> WaitForRunAsync(this UserSession user, string flow, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var checkedRuns = new HashSet<Guid>();
        while (true)
        {
            foreach (var summary in await user.GetRunsAsync(flow))
            {
                var id = summary.GetProperty("id").GetGuid();
                if (summary.GetProperty("status").GetString() == "running" || checkedRuns.Contains(id))
                {
                    continue;
                }
                checkedRuns.Add(id);
                var run = await user.GetRunAsync(flow, id);
                if (match(run))
                {
                    return run;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"no run of {flow} matched\n{user.Api.Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits (bounded) until the flow has at least <paramref name="expected"/> runs and none is still running; returns them.</summary>
    public static async Task<List<JsonElement>> WaitRunsOverAsync(this UserSession user, string flow, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var runs = await user.GetRunsAsync(flow);
            if (runs.Count >= expected && !runs.Any(r => r.GetProperty("status").GetString() == "running"))
            {
                return runs;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{runs.Count} runs of {flow}, some still running, after {timeout}\n{user.Api.Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>Waits (bounded) until the flow's connector <paramref name="node"/> reports where it listens; returns that address.</summary>
    public static async Task<string> ConnectorUrlAsync(this UserSession user, string flow, string node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = await user.GetFlowAsync(flow);
            var connector = found.GetProperty("connectors").EnumerateArray().SingleOrDefault(c => c.GetProperty("node").GetString() == node);
            if (connector.ValueKind == JsonValueKind.Object && connector.GetProperty("url").GetString() is { } url)
            {
                return url;
            }
            Assert.True(DateTime.UtcNow < deadline, $"connector {node} of {flow} reported no url: {found}\n{user.Api.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Posts to an http connector, retrying while it does not listen yet (it starts after the deploy returns); returns the answer's status.</summary>
    public static async Task<HttpStatusCode> PostToConnectorAsync(string url, string body)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.PostAsync(url, new StringContent(body));
                return response.StatusCode;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The steps of a run at <paramref name="node"/>.</summary>
    public static List<JsonElement> Steps(this JsonElement run, string node) =>
        [.. run.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("node").GetString() == node)];

    /// <summary>The one step of the run at <paramref name="node"/>.</summary>
    public static JsonElement Step(this JsonElement run, string node)
    {
        var steps = run.Steps(node);
        Assert.True(steps.Count == 1, $"expected one step at {node}: {run}");
        return steps[0];
    }

    public static string? OutputText(this JsonElement step) =>
        step.GetProperty("output").ValueKind == JsonValueKind.Null ? null : step.GetProperty("output").GetProperty("body").GetString();

    /// <summary>A connector node; its settings as a dictionary, since variable names are not camel-cased.</summary>
    public static object Connector(string id, string plugin, params (string Name, string Value)[] config) =>
        new { id, kind = "connector", @ref = plugin, config = config.ToDictionary(c => c.Name, c => c.Value) };

    /// <summary>An http connector, on the loopback port the runtime assigns (<see cref="ConnectorUrlAsync"/>).</summary>
    public static object Http(string id) => Connector(id, "http");

    public static object Function(string id, string function, object? config = null) => new { id, kind = "function", @ref = function, config };

    public static object Edge(string from, string to, bool? when = null) => when is null ? new { from, to } : new { from, to, when };
}

public static class HttpClientJson
{
    public static async Task<JsonElement> GetFromJsonAsyncOk(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
