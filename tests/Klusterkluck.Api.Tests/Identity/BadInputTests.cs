using System.Text;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>Whatever a client sends, the answer is a 4xx problem, never a 500 or a stack trace.</summary>
public sealed class BadInputTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Json = "application/json";

    public static TheoryData<string, string, string, int> Cases() => new()
    {
        { "malformed JSON", "/api/v1/auth/login", """{"username": "alice", "password": """, 400 },
        { "JSON of the wrong shape", "/api/v1/auth/login", """["alice", "secret"]""", 400 },
        { "a number for a string", "/api/v1/auth/register", """{"username": 7, "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "an empty body", "/api/v1/auth/login", "", 400 },
        { "null", "/api/v1/auth/login", "null", 400 },
        { "missing password", "/api/v1/auth/login", """{"username": "alice"}""", 400 },
        { "missing everything", "/api/v1/auth/register", "{}", 400 },
        { "missing email", "/api/v1/auth/register", """{"username": "bob", "password": "long-enough-1"}""", 400 },
        { "uppercase username", "/api/v1/auth/register", """{"username": "Alice", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "username with underscore", "/api/v1/auth/register", """{"username": "al_ice", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "username starting with a hyphen", "/api/v1/auth/register", """{"username": "-alice", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "username ending with a hyphen", "/api/v1/auth/register", """{"username": "alice-", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "one-letter username", "/api/v1/auth/register", """{"username": "a", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "username too long", "/api/v1/auth/register", $$"""{"username": "{{new string('a', 41)}}", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "username with a dot", "/api/v1/auth/register", """{"username": "al.ice", "password": "long-enough-1", "email": "a@example.com"}""", 400 },
        { "short password", "/api/v1/auth/register", """{"username": "carol", "password": "short", "email": "c@example.com"}""", 400 },
        { "password containing the username", "/api/v1/auth/register", """{"username": "carol", "password": "carol-is-great", "email": "c@example.com"}""", 400 },
        { "not an email", "/api/v1/auth/register", """{"username": "carol", "password": "long-enough-1", "email": "carol"}""", 400 },
        { "missing refresh token", "/api/v1/auth/refresh", "{}", 400 },
        { "oversized body", "/api/v1/auth/login", $$"""{"username": "alice", "password": "{{new string('x', 100_000)}}"}""", 413 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IsAnsweredWithAProblem(string what, string path, string body, int status)
    {
        using var response = await fixture.Api.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, Json));
        var problem = await response.AssertProblemAsync(status);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), what);
    }

    [Fact]
    public async Task AValidationProblemNamesEveryBadField()
    {
        using var response = await fixture.Api.Client.PostAsync("/api/v1/auth/register",
            new StringContent("""{"username": "Bad_Name", "password": "x", "email": "nope"}""", Encoding.UTF8, Json));
        var errors = (await response.AssertProblemAsync(400)).GetProperty("errors");
        foreach (var field in new[] { "Username", "Password", "Email" })
        {
            Assert.True(errors.EnumerateObject().Any(e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase)), $"{field} not named: {errors}");
        }
    }

    [Fact]
    public async Task AFormInsteadOfJsonIsUnsupported()
    {
        using var response = await fixture.Api.Client.PostAsync("/api/v1/auth/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "secret" }));
        await response.AssertProblemAsync(415);
    }

    [Fact]
    public async Task AnUnknownPathIsANotFoundProblem()
    {
        using var response = await fixture.Api.Client.GetAsync("/api/v1/nothing-here");
        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task AWrongMethodIsAProblem()
    {
        using var response = await fixture.Api.Client.GetAsync("/api/v1/auth/login");
        await response.AssertProblemAsync(405);
    }
}
