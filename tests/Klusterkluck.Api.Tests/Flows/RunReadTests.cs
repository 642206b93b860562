using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>A run read a page of steps at a time, without payloads; a step read on its own, with them.</summary>
[Collection(FlowCollection.Name)]
public sealed class RunReadTests(FlowFixture fixture)
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task ARunsStepsComePagedInCreationOrderWithTheirPayloadsSizesOnly()
    {
        await User.CreateFlowAsync("paged",
            [Http("in"), Function("a", "upper"), Function("b", "exclaim"), Function("c", "echo"), Function("d", "upper")],
            [Edge("in", "a"), Edge("in", "b"), Edge("a", "c"), Edge("b", "d")]);
        await User.DeployFlowAsync("paged");
        var id = await User.SendEventAsync("paged", "in", "hello");
        await User.WaitRunAsync("paged", id);

        var whole = await User.Client.GetFromJsonAsyncOk($"/api/v1/flows/paged/runs/{id}");
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("next").ValueKind);
        var all = whole.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal("in", all[0].GetProperty("node").GetString());
        Assert.Equal(all.OrderBy(s => s.GetProperty("createdAt").GetDateTime()).Select(Id), all.Select(Id));

        var paged = new List<JsonElement>();
        var pages = 0;
        for (var path = $"/api/v1/flows/paged/runs/{id}?limit=2"; ; pages++)
        {
            var page = await User.Client.GetFromJsonAsyncOk(path);
            Assert.InRange(page.GetProperty("steps").GetArrayLength(), 1, 2);
            paged.AddRange(page.GetProperty("steps").EnumerateArray());
            if (page.GetProperty("next").GetString() is not { } next)
            {
                break;
            }
            path = $"/api/v1/flows/paged/runs/{id}?limit=2&after={next}";
        }
        Assert.Equal(2, pages);
        Assert.Equal(all.Select(Id), paged.Select(Id));

        var a = all.Single(s => s.GetProperty("node").GetString() == "a");
        Assert.False(a.GetProperty("input").TryGetProperty("body", out _), a.ToString());
        Assert.Equal(5, a.GetProperty("input").GetProperty("bytes").GetInt32());
        Assert.Equal(5, a.GetProperty("output").GetProperty("bytes").GetInt32());
        Assert.False(string.IsNullOrEmpty(a.GetProperty("output").GetProperty("contentType").GetString()), a.ToString());
    }

    [Fact]
    public async Task AStepIsReadOnItsOwnWithItsInputAndOutput()
    {
        await User.CreateFlowAsync("single", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        await User.DeployFlowAsync("single");
        var id = await User.SendEventAsync("single", "in", "shout this");
        await User.WaitRunAsync("single", id);
        var summary = (await User.Client.GetFromJsonAsyncOk($"/api/v1/flows/single/runs/{id}")).GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("node").GetString() == "a");

        var step = await User.Client.GetFromJsonAsyncOk($"/api/v1/flows/single/runs/{id}/steps/{Id(summary)}");

        Assert.Equal("succeeded", step.GetProperty("status").GetString());
        Assert.Equal("shout this", step.GetProperty("input").GetProperty("body").GetString());
        Assert.Equal("SHOUT THIS", step.GetProperty("output").GetProperty("body").GetString());
        Assert.Equal("text", step.GetProperty("output").GetProperty("encoding").GetString());
        Assert.Equal(10, step.GetProperty("output").GetProperty("bytes").GetInt32());
        Assert.False(step.GetProperty("output").GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task AStepShowsTheFirst64KiBOfALargePayload()
    {
        await User.CreateFlowAsync("large", [Http("in"), Function("a", "echo")], [Edge("in", "a")]);
        await User.DeployFlowAsync("large");
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i:D9}\n"));
        var id = await User.SendEventAsync("large", "in", body);

        var run = await User.WaitRunAsync("large", id);

        var output = run.Step("a").GetProperty("output");
        Assert.Equal(200_000, output.GetProperty("bytes").GetInt32());
        Assert.True(output.GetProperty("truncated").GetBoolean());
        Assert.Equal(body[..(64 * 1024)], output.GetProperty("body").GetString());
    }

    [Fact]
    public async Task UnknownStepsAndOtherUsersRunsAreNotFound()
    {
        await User.CreateFlowAsync("private", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        await User.DeployFlowAsync("private");
        var id = await User.SendEventAsync("private", "in", "mine");
        var run = await User.WaitRunAsync("private", id);
        var step = Id(run.Step("a"));
        using var other = await UserSession.StartAsync(fixture.Api, "nosy");

        using var unknown = await User.Client.GetAsync($"/api/v1/flows/private/runs/{id}/steps/{Guid.NewGuid()}");
        Assert.Equal("Unknown step", (await unknown.AssertProblemAsync(404)).GetProperty("title").GetString());
        using var theirs = await other.Client.GetAsync($"/api/v1/flows/private/runs/{id}/steps/{step}");
        await theirs.AssertProblemAsync(404);
        using var theirRun = await other.Client.GetAsync($"/api/v1/flows/private/runs/{id}");
        await theirRun.AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=00000000-0000-0000-0000-000000000001", "after")]
    [InlineData("after=not-a-step", "after")]
    public async Task ABadPageIsAValidationProblem(string query, string field)
    {
        await User.CreateFlowAsync($"bad-page-{field}-{query.Length}", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        var flow = $"bad-page-{field}-{query.Length}";
        await User.DeployFlowAsync(flow);
        var id = await User.SendEventAsync(flow, "in", "x");

        using var response = await User.Client.GetAsync($"/api/v1/flows/{flow}/runs/{id}?{query}");

        var problem = await response.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task AnIdempotencyKeyLongerThan200CharactersIsRefusedNotReplaced()
    {
        await User.CreateFlowAsync("keyed", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        await User.DeployFlowAsync("keyed");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/flows/keyed/events/in") { Content = new StringContent("x") };
        request.Headers.Add("Idempotency-Key", new string('k', 201));
        using var response = await User.Client.SendAsync(request);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("200", problem.GetProperty("errors").GetProperty("Idempotency-Key")[0].GetString());
        Assert.Empty(await User.GetRunsAsync("keyed"));
        var longest = new string('k', 200);
        Assert.Equal(await User.SendEventAsync("keyed", "in", "x", idempotencyKey: longest),
            await User.SendEventAsync("keyed", "in", "x", idempotencyKey: longest));
    }

    private static Guid Id(JsonElement step) => step.GetProperty("id").GetGuid();
}
