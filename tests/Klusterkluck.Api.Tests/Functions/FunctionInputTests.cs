using System.Net.Http.Json;
using System.Text;

namespace Klusterkluck.Api.Tests.Functions;

/// <summary>Bad names and bodies get 4xx problem details, never a 500 or a stack trace.</summary>
public sealed class FunctionInputTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("""{"name":"Hello","kind":"nodejs"}""", "Name")]
    [InlineData("""{"name":"a","kind":"nodejs"}""", "Name")]
    [InlineData("""{"name":"-dash","kind":"nodejs"}""", "Name")]
    [InlineData("""{"name":"this-name-is-far-too-long-for-a-function-x","kind":"nodejs"}""", "Name")]
    [InlineData("""{"name":"ok-name","kind":"python"}""", "Kind")]
    [InlineData("""{"name":"ok-name"}""", "Kind")]
    [InlineData("""{"kind":"exec"}""", "Name")]
    [InlineData("""{"name":"ok-name","kind":"exec","replicas":-1}""", "Replicas")]
    [InlineData("""{"name":"ok-name","kind":"exec","replicas":1001}""", "Replicas")]
    public async Task InvalidFunctionsAreRefusedNamingTheField(string json, string field)
    {
        using var user = await UserSession.StartAsync(fixture.Api, "input");
        using var response = await user.Client.PostAsync("/api/v1/functions", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("{not json", "application/json", 400)]
    [InlineData("", "application/json", 400)]
    [InlineData("name=x", "application/x-www-form-urlencoded", 415)]
    public async Task MalformedBodiesAreRefused(string body, string contentType, int status)
    {
        using var user = await UserSession.StartAsync(fixture.Api, "malformed");
        using var response = await user.Client.PostAsync("/api/v1/functions", new StringContent(body, Encoding.UTF8, contentType));
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task ATakenNameIsAConflict()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "twice");
        await user.CreateFunctionAsync("once", "static");
        using var response = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "once", kind = "exec" });
        await response.AssertProblemAsync(409);
    }

    [Fact]
    public async Task FunctionEndpointsNeedAToken()
    {
        using var response = await fixture.Api.Client.GetAsync("/api/v1/functions");
        await response.AssertProblemAsync(401);
    }

    [Theory]
    [InlineData("/fn")]
    [InlineData("/fn/")]
    [InlineData("/fn/someone")]
    [InlineData("/fn/Someone/thing/")]
    public async Task UnknownFunctionUrlsAreNotFound(string path)
    {
        using var response = await fixture.Api.Client.GetAsync(path);
        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task AMissingFunctionAsksAnonymousCallersForATokenAsAPrivateOneWould()
    {
        using var response = await fixture.Api.Client.GetAsync("/fn/someone/no-such-function/");
        await response.AssertProblemAsync(401);
    }
}
