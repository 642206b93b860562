using System.Text;

namespace Klusterkluck.Api.Tests.Hosting;

/// <summary>A value of the wrong type, anywhere in a request, is a validation problem naming its field in words, not in .NET types.</summary>
public sealed class BindingProblemTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    public static TheoryData<string, string, string?, string, string> Cases() => new()
    {
        { "POST", "/api/v1/functions", """{"name": "typed", "kind": "exec", "public": "yes"}""", "public", "The value is not a boolean." },
        { "POST", "/api/v1/functions", """{"name": "typed", "kind": "exec", "replicas": "two"}""", "replicas", "The value is not a whole number." },
        { "POST", "/api/v1/flows", """{"name": "typed", "nodes": [{"id": "a", "kind": "connector", "ref": "http", "config": "x"}], "edges": []}""",
            "nodes[0].config", "The value is not an object." },
        { "POST", "/api/v1/flows", """{"name": "typed", "nodes": {"id": "a"}}""", "nodes", "The value is not an array." },
        { "POST", "/api/v1/functions", "{not json", "body", "The body is not valid JSON (line 1, byte 2)." },
        { "POST", "/api/v1/functions", """["typed", "exec"]""", "body", "The body is not an object." },
        { "POST", "/api/v1/functions", "", "body", "The request has no body; a JSON value is expected." },
        { "GET", "/api/v1/functions/typed/logs?lines=abc", null, "lines", "'abc' is not a whole number." },
        { "GET", "/api/v1/flows/typed/runs/00000000-0000-0000-0000-000000000001?after=zzz", null, "after", "'zzz' is not a GUID." },
        { "GET", "/api/v1/flows/typed/runs?limit=many", null, "limit", "'many' is not a whole number." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IsAValidationProblemNamingTheField(string method, string path, string? body, string field, string error)
    {
        using var user = await UserSession.StartAsync(fixture.Api, "typed");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await user.Client.SendAsync(request);

        var problem = await response.AssertProblemAsync(400);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), problem.ToString());
        Assert.Equal(error, messages[0].GetString());
        Assert.DoesNotContain("System.", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedOrNonJsonBodyKeepsItsStatus()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "typed");
        using var form = await user.Client.PostAsync("/api/v1/functions", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await form.AssertProblemAsync(415);
        using var large = await user.Client.PostAsync("/api/v1/functions",
            new StringContent($$"""{"name": "{{new string('x', 40_000)}}", "kind": "exec"}""", Encoding.UTF8, "application/json"));
        await large.AssertProblemAsync(413);
    }
}
