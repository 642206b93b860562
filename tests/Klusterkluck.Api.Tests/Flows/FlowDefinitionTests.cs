using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>What a flow may be: every problem named at once, and only the caller's own functions.</summary>
[Collection(FlowCollection.Name)]
public sealed class FlowDefinitionTests(FlowFixture fixture)
{
    private UserSession User => fixture.User;

    [Fact]
    public async Task AnInvalidFlowIsRejectedWithEveryProblemNamed()
    {
        var nodes = new object[]
        {
            Connector("tick", "timer", ("KK_TIMER_INTERVAL", "soon"), ("KK_TARGET_URL", "http://elsewhere/"), ("KK_TIMER_COLOUR", "red")),
            Connector("web", "carrier-pigeon"),
            Function("a", "upper"),
            Function("b", "exclaim"),
            Function("c", "no-such-function"),
            Function("a", "echo"),
            new { id = "Bad_Id", kind = "function", @ref = "upper" },
            new { id = "gate", kind = "if", config = new { condition = "$.total >" } },
            new { id = "j", kind = "join" },
            new { id = "x", kind = "teleport" },
        };
        var edges = new object[]
        {
            Edge("tick", "a"), Edge("a", "b"), Edge("b", "c"), Edge("c", "a"),
            Edge("b", "tick"), Edge("a", "nowhere"), Edge("a", "b"), Edge("tick", "j", when: true),
        };

        using var response = await User.Client.PostAsJsonAsync("/api/v1/flows/validate", new { nodes, edges });

        var problem = await response.AssertProblemAsync(400);
        var all = Errors(problem);
        Assert.Contains("nodes[0].config: KK_TIMER_INTERVAL", all);
        Assert.Contains("nodes[0].config.KK_TARGET_URL: KK_TARGET_URL is set by the platform", all);
        Assert.Contains("nodes[0].config.KK_TIMER_COLOUR: The timer connector has no variable KK_TIMER_COLOUR", all);
        Assert.Contains("nodes[1].ref: 'carrier-pigeon' is not a connector: http, nats, timer", all);
        Assert.Contains("nodes[4].ref: You have no function named 'no-such-function'", all);
        Assert.Contains("nodes[5].id: Another node is already named 'a'", all);
        Assert.Contains("nodes[6].id: 'Bad_Id' is not a node id", all);
        Assert.Contains("nodes[7].config.condition: The condition does not parse", all);
        Assert.Contains("nodes[9].kind: 'teleport' is not a node kind", all);
        Assert.Contains("edges[5].to: There is no node 'nowhere'", all);
        Assert.Contains("edges[6]: The edge a → b is listed twice", all);
        Assert.Contains("edges[7].when: Only edges out of an if node have a when", all);
        // Edges to unknown nodes stop the graph checks; without them, the rest is named too.
        using var graphOnly = await User.Client.PostAsJsonAsync("/api/v1/flows/validate", new { nodes = nodes[..4].Append(Function("c", "echo")).Append(new { id = "j", kind = "join" }), edges = edges[..5] });
        var graphErrors = Errors(await graphOnly.AssertProblemAsync(400));
        Assert.Contains("The edges form a cycle: tick → a → b → tick", graphErrors);
        Assert.Contains("Connector 'tick' has incoming edges (from b): connectors are only sources", graphErrors);
        Assert.Contains("Join 'j' needs at least two predecessors", graphErrors);
        Assert.Contains("'j' is not reachable from any connector", graphErrors);
    }

    [Fact]
    public async Task AJoinWhosePredecessorCanRunTwiceIsRejected()
    {
        using var response = await User.Client.PostAsJsonAsync("/api/v1/flows/validate", new
        {
            nodes = new object[] { Http("in"), Function("a", "upper"), Function("b", "exclaim"), Function("m", "echo"), new { id = "j", kind = "join" } },
            edges = new object[] { Edge("in", "a"), Edge("in", "b"), Edge("a", "m"), Edge("b", "m"), Edge("m", "j"), Edge("a", "j") },
        });

        var errors = Errors(await response.AssertProblemAsync(400));
        Assert.Contains("'m' has several predecessors of its own and can run more than once", errors);
    }

    [Fact]
    public async Task AFlowsNameMustBeALabelAndFreeAndItsBodyJson()
    {
        object[] nodes = [Http("in"), Function("a", "upper")];
        object[] edges = [Edge("in", "a")];
        using var badName = await User.Client.PostAsJsonAsync("/api/v1/flows", new { name = "Not A Label", nodes, edges });
        Assert.Contains("Name", (await badName.AssertProblemAsync(400)).GetProperty("errors").ToString());

        await User.CreateFlowAsync("taken", nodes, edges);
        using var again = await User.Client.PostAsJsonAsync("/api/v1/flows", new { name = "taken", nodes, edges });
        await again.AssertProblemAsync(409);

        using var notJson = await User.Client.PostAsync("/api/v1/flows/validate", new StringContent("{nodes: [", System.Text.Encoding.UTF8, "application/json"));
        await notJson.AssertProblemAsync(400);
        using var unknown = await User.Client.PostAsync("/api/v1/flows/nothing-here/deploy", null);
        await unknown.AssertProblemAsync(404);
        using var notDeployed = await User.Client.PostAsync("/api/v1/flows/taken/events/in", new StringContent("x"));
        await notDeployed.AssertProblemAsync(409);
    }

    [Fact]
    public async Task DefinitionsThatWouldExhaustTheApiAreRefused()
    {
        object[] IfNode(string id, string condition) => [new { id, kind = "if", config = new { condition } }];
        var deep = new string('(', 5000) + "$" + new string(')', 5000);
        var longChain = string.Join(" && ", Enumerable.Repeat("$.a", 1000));
        var nested = new string('(', 40) + "$" + new string(')', 40);
        // Twelve layers of two nodes, each fed by both of the layer before: 2^12 runs of the last per event.
        var layers = Enumerable.Range(0, 12).SelectMany(l => new[] { $"l{l}a", $"l{l}b" }).ToList();
        var fanIn = Enumerable.Range(1, 11).SelectMany(l => new[] { $"l{l - 1}a", $"l{l - 1}b" }
            .SelectMany(from => new[] { Edge(from, $"l{l}a"), Edge(from, $"l{l}b") })).ToList();

        using var response = await User.Client.PostAsJsonAsync("/api/v1/flows/validate", new
        {
            nodes = new object[] { Http("in") }
                .Concat(IfNode("deep", deep)).Concat(IfNode("long", longChain)).Concat(IfNode("nested", nested))
                .Concat(layers.Select(id => Function(id, "echo"))).ToArray(),
            edges = new object[] { Edge("in", "deep"), Edge("in", "long"), Edge("in", "nested"), Edge("in", "l0a"), Edge("in", "l0b"),
                Edge("deep", "l0a"), Edge("long", "l0a"), Edge("nested", "l0a") }.Concat(fanIn).ToArray(),
        });

        var errors = Errors(await response.AssertProblemAsync(400));
        Assert.Contains("nodes[1].config.condition: The condition does not parse: a condition is at most 2048 characters", errors);
        Assert.Contains("nodes[2].config.condition: The condition does not parse: a condition is at most 2048 characters", errors);
        Assert.Contains("nodes[3].config.condition: The condition does not parse: parentheses and ! nest at most 32 deep", errors);
        Assert.Contains("One event could run 'l11a' more than 1000 times", errors);
        using var holes = await User.Client.PostAsync("/api/v1/flows/validate",
            new StringContent("""{"nodes":[null,{"id":"a","kind":"join"}],"edges":[null]}""", System.Text.Encoding.UTF8, "application/json"));
        var holeErrors = Errors(await holes.AssertProblemAsync(400));
        Assert.Contains("nodes[0]: A node is an object", holeErrors);
        Assert.Contains("edges[0]: An edge is an object", holeErrors);
    }

    [Fact]
    public async Task AFlowWhoseEventCouldCreateTooManyStepsIsRefused()
    {
        // in → x1..x20 → y (20 runs) → z1..z60 (20 runs each): 1,241 steps per event, no node over 1,000 runs.
        var xs = Enumerable.Range(1, 20).Select(i => $"x{i}").ToList();
        var zs = Enumerable.Range(1, 60).Select(i => $"z{i}").ToList();
        using var response = await User.Client.PostAsJsonAsync("/api/v1/flows/validate", new
        {
            nodes = new object[] { Http("in"), Function("y", "echo") }.Concat(xs.Concat(zs).Select(id => Function(id, "echo"))).ToArray(),
            edges = xs.SelectMany(x => new[] { Edge("in", x), Edge(x, "y") }).Concat(zs.Select(z => Edge("y", z))).ToArray(),
        });

        var errors = Errors(await response.AssertProblemAsync(400));
        Assert.Contains("flow: One event through 'in' could create 1241 steps; the most is 1000 (Flows:MaxStepsPerEvent)", errors);
        Assert.DoesNotContain("more than 1000 times", errors);
    }

    [Fact]
    public async Task AValidFlowPassesValidation()
    {
        using var response = await User.Client.PostAsJsonAsync("/api/v1/flows/validate", new
        {
            nodes = new object[] { Connector("tick", "timer", ("KK_TIMER_CRON", "0 0 * * * ?")), Function("a", "upper") },
            edges = new object[] { Edge("tick", "a") },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ALayoutIsKeptWithTheFlowAndMovingANodeChangesNothingThatRuns()
    {
        var nodes = new object[] { Http("in"), Function("a", "upper") };
        var edges = new object[] { Edge("in", "a") };
        using (var bad = await User.Client.PostAsJsonAsync("/api/v1/flows/validate",
            new { nodes, edges, layout = new Dictionary<string, object> { ["ghost"] = new { x = 1, y = 2 }, ["a"] = new { x = 2e9, y = 0 } } }))
        {
            var errors = Errors(await bad.AssertProblemAsync(400));
            Assert.Contains("layout.ghost: The layout places 'ghost', which is not a node of the flow", errors);
            Assert.Contains("layout.a: A node's place is {x, y}, each between -1000000 and 1000000", errors);
        }
        using (var created = await User.Client.PostAsJsonAsync("/api/v1/flows",
            new { name = "placed", nodes, edges, layout = new { @in = new { x = 40, y = 60.5 }, a = new { x = 300, y = 60.5 } } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await User.DeployFlowAsync("placed");

        using (var moved = await User.Client.PutAsJsonAsync("/api/v1/flows/placed",
            new { nodes, edges, layout = new { @in = new { x = 40, y = 60.5 }, a = new { x = 420, y = 200 } } }))
        {
            var flow = await moved.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(420, flow.GetProperty("layout").GetProperty("a").GetProperty("x").GetDouble());
            Assert.Equal(60.5, flow.GetProperty("layout").GetProperty("in").GetProperty("y").GetDouble());
            // Only the picture changed: what runs is still what was deployed.
            Assert.True(flow.GetProperty("deployment").GetProperty("upToDate").GetBoolean());
        }
        using (var changed = await User.Client.PutAsJsonAsync("/api/v1/flows/placed",
            new { nodes = nodes.Append(Function("b", "exclaim")), edges = edges.Append(Edge("a", "b")) }))
        {
            var flow = await changed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(flow.GetProperty("deployment").GetProperty("upToDate").GetBoolean());
            Assert.Equal(JsonValueKind.Null, flow.GetProperty("layout").ValueKind);
        }

        var run = await User.WaitRunAsync("placed", await User.SendEventAsync("placed", "in", "x"));
        var listed = (await User.Client.GetFromJsonAsyncOk("/api/v1/flows")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "placed");
        Assert.False(listed.GetProperty("upToDate").GetBoolean());
        Assert.Equal(run.GetProperty("id").GetGuid(), listed.GetProperty("lastRun").GetProperty("id").GetGuid());
        Assert.Equal("succeeded", listed.GetProperty("lastRun").GetProperty("status").GetString());
        Assert.Equal("in", listed.GetProperty("connectors").EnumerateArray().Single().GetProperty("node").GetString());
        await User.Client.DeleteAsync("/api/v1/flows/placed");
    }

    [Fact]
    public async Task ASaveWithIfMatchIsRefusedWhenSomeoneSavedTheFlowSince()
    {
        var nodes = new object[] { Http("in"), Function("a", "upper") };
        var edges = new object[] { Edge("in", "a") };
        await User.CreateFlowAsync("shared", nodes, edges);
        using var read = await User.Client.GetAsync("/api/v1/flows/shared");
        var version = read.Headers.ETag!.Tag;
        Assert.Equal(version, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());

        async Task<HttpResponseMessage> PutAsync(string? ifMatch, object[] withNodes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/flows/shared") { Content = JsonContent.Create(new { nodes = withNodes, edges }) };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
            return await User.Client.SendAsync(request);
        }

        using var first = await PutAsync(version, nodes);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var newer = first.Headers.ETag!.Tag;
        Assert.NotEqual(version, newer);
        // A second editor still holding the first version is refused, and the first save stands.
        using var stale = await PutAsync(version, [Http("in"), Function("a", "exclaim")]);
        var problem = await stale.AssertProblemAsync(412);
        Assert.Equal("The flow changed since you opened it", problem.GetProperty("title").GetString());
        Assert.Equal("upper", (await User.GetFlowAsync("shared")).GetProperty("nodes")[1].GetProperty("ref").GetString());
        // The version read back from the store is the one the save answered; without If-Match, the last save wins.
        using (var again = await User.Client.GetAsync("/api/v1/flows/shared"))
        {
            Assert.Equal(newer, again.Headers.ETag!.Tag);
        }
        using var blind = await PutAsync(null, [Http("in"), Function("a", "exclaim")]);
        Assert.Equal(HttpStatusCode.OK, blind.StatusCode);
        await User.Client.DeleteAsync("/api/v1/flows/shared");
    }

    [Fact]
    public async Task AnotherUsersFunctionCannotBeReferencedNorTheirFlowsSeen()
    {
        using var other = await UserSession.StartAsync(fixture.Api, "intruder");
        var nodes = new object[] { Http("in"), Function("steal", "upper") };

        using var created = await other.Client.PostAsJsonAsync("/api/v1/flows", new { name = "heist", nodes, edges = new[] { Edge("in", "steal") } });
        var errors = (await created.AssertProblemAsync(400)).GetProperty("errors");
        Assert.Equal("You have no function named 'upper'.", errors.GetProperty("nodes[1].ref")[0].GetString());
        using var qualified = await other.Client.PostAsJsonAsync("/api/v1/flows/validate",
            new { nodes = new object[] { Http("in"), Function("steal", $"{User.Username}/upper") }, edges = new[] { Edge("in", "steal") } });
        Assert.Contains("is not a function name", Errors(await qualified.AssertProblemAsync(400)));

        await User.CreateFlowAsync("private-flow", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        using var peek = await other.Client.GetAsync("/api/v1/flows/private-flow");
        await peek.AssertProblemAsync(404);
        using var deploy = await other.Client.PostAsync("/api/v1/flows/private-flow/deploy", null);
        await deploy.AssertProblemAsync(404);
        using var inject = await other.Client.PostAsync("/api/v1/flows/private-flow/events/in", new StringContent("x"));
        await inject.AssertProblemAsync(404);
        Assert.Empty((await other.Client.GetFromJsonAsyncOk("/api/v1/flows")).EnumerateArray());
    }

    [Fact]
    public async Task AConnectorEventNeedsTheFlowsToken()
    {
        await User.CreateFlowAsync("guarded", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        await User.DeployFlowAsync("guarded");
        using var anonymous = new HttpClient { BaseAddress = new Uri(fixture.Api.BaseUrl) };

        using var without = await anonymous.PostAsync($"/events/{User.Username}/guarded/in", new StringContent("x"));
        await without.AssertProblemAsync(401);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/events/{User.Username}/guarded/in") { Content = new StringContent("x") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", User.AccessToken);
        using var userToken = await anonymous.SendAsync(request);
        await userToken.AssertProblemAsync(401);
        Assert.Empty(await User.GetRunsAsync("guarded"));
    }

    [Fact]
    public async Task TheConnectorCatalogListsEachConnectorWithItsVariables()
    {
        var catalog = await User.Client.GetFromJsonAsyncOk("/api/v1/connectors");

        Assert.Equal(["http", "nats", "timer"], catalog.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        var timer = await User.Client.GetFromJsonAsyncOk("/api/v1/connectors/timer");
        var variables = timer.GetProperty("variables").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.Equal("connector", variables["KK_TIMER_CRON"].GetProperty("scope").GetString());
        Assert.Equal("delivery", variables["KK_DELIVERY_ATTEMPTS"].GetProperty("scope").GetString());
        Assert.DoesNotContain("KK_TARGET_URL", variables.Keys);
        var http = (await User.Client.GetFromJsonAsyncOk("/api/v1/connectors/http")).GetProperty("variables").EnumerateArray()
            .ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.True(http["KK_HTTP_MAX_BODY"].GetProperty("maxPayload").GetBoolean());
        Assert.True(http["KK_HTTP_URLS"].GetProperty("listen").GetBoolean());
        using var unknown = await User.Client.GetAsync("/api/v1/connectors/carrier-pigeon");
        await unknown.AssertProblemAsync(404);
    }

    /// <summary>Every problem of a validation problem as "where: what" lines.</summary>
    private static string Errors(JsonElement problem) =>
        string.Join("\n", problem.GetProperty("errors").EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(v => $"{e.Name}: {v.GetString()}")));
}
