using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Klusterkluck.Api.Tests.Scaling;

namespace Klusterkluck.Api.Tests.Throttling;

/// <summary>A function's rate limit and its limit on requests at once, enforced at the gateway and the invoke endpoint with a 429.</summary>
public sealed class ThrottlingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ABurstOverTheRateLimitGetsExactlyTheLimitThroughAndTheRestA429WithRetryAfter()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "rate");
        // A minute's window: the whole burst falls in the one window its first request opens.
        using var created = await user.Client.PostAsJsonAsync("/api/v1/functions?wait=true",
            new { name = "limited", kind = "nodejs", rateLimit = 10, rateLimitWindowSeconds = 60 });
        var function = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, function.ToString());
        Assert.Equal(10, function.GetProperty("rateLimit").GetInt32());
        Assert.Equal(60, function.GetProperty("rateLimitWindowSeconds").GetInt32());
        Assert.Equal(JsonValueKind.Null, function.GetProperty("maxInFlight").ValueKind);

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(async i =>
        {
            using var response = await user.CallAsync("limited", $"?name=n{i}");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Type: response.Content.Headers.ContentType?.MediaType,
                Body: await response.Content.ReadAsStringAsync());
        }));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(15, refused.Count);
        foreach (var answer in refused)
        {
            Assert.NotNull(answer.RetryAfter);
            Assert.InRange(answer.RetryAfter!.Value.TotalSeconds, 1, 60);
            Assert.Equal("application/problem+json", answer.Type);
            var problem = JsonSerializer.Deserialize<JsonElement>(answer.Body);
            Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
            Assert.Contains("at most 10 requests per 60 s", problem.GetProperty("detail").GetString());
        }

        // The invoke endpoint is another door to the same function, under the same limit.
        using var invoked = await user.Client.PostAsync("/api/v1/functions/limited/invoke", new StringContent("x"));
        Assert.Equal(HttpStatusCode.TooManyRequests, invoked.StatusCode);
        Assert.NotNull(invoked.Headers.RetryAfter);

        // New limits are in force at once, with no redeploy.
        var before = function.GetProperty("deployment").GetProperty("updatedAt").GetDateTime();
        var (status, raised) = await ScaleToZeroTests.PatchAsync(user, "limited", new { rateLimit = 11 });
        Assert.True(status == HttpStatusCode.OK, raised.ToString());
        Assert.Equal(11, raised.GetProperty("rateLimit").GetInt32());
        Assert.Equal(60, raised.GetProperty("rateLimitWindowSeconds").GetInt32());
        Assert.Equal(before, raised.GetProperty("deployment").GetProperty("updatedAt").GetDateTime());
        // A new window starts with the new settings: 11 through, the twelfth refused.
        var again = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await user.CallAsync("limited", "?name=again");
            return response.StatusCode;
        }));
        Assert.Equal(11, again.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, again.Count(s => s == HttpStatusCode.TooManyRequests));

        // Removed, it is gone at once too (the redeploy it starts is for the routes).
        var (_, cleared) = await ScaleToZeroTests.PatchAsync(user, "limited", new { rateLimit = 0 });
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("rateLimit").ValueKind);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("Hello, free!\n", await user.CallTextAsync("limited", "?name=free"));
        }
    }

    [Fact]
    public async Task OneRequestOverTheLimitOnRequestsAtOnceIsRefusedAndTheOthersServed()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "inflight");
        await user.CreateWithCodeAsync("slow", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = async () => { await new Promise((ok) => setTimeout(ok, 2000)); return 'done'; };\n",
        });
        var (status, set) = await ScaleToZeroTests.PatchAsync(user, "slow", new { maxInFlight = 3 });
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Accepted, set.ToString());
        Assert.Equal(3, set.GetProperty("maxInFlight").GetInt32());

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await user.CallAsync("slow");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.OK && a.Item2 == "done"));
        var refused = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains("at most 3 requests at once", refused.Item2);

        // Once they are done, there is room again.
        Assert.Equal("done", await user.CallTextAsync("slow"));
    }

    [Fact]
    public async Task ThrottleSettingsAreValidated()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "badlimit");
        using var windowAlone = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "window", kind = "static", rateLimitWindowSeconds = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, windowAlone.StatusCode);
        var windowProblem = await windowAlone.Content.ReadAsStringAsync();
        Assert.True(windowProblem.Contains("rateLimitWindowSeconds", StringComparison.OrdinalIgnoreCase), windowProblem);
        using var zero = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "zero", kind = "static", rateLimit = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Contains("RateLimit", await zero.Content.ReadAsStringAsync());
        await user.CreateFunctionAsync("ok", "static");
        foreach (var settings in new object[] { new { rateLimit = -1 }, new { maxInFlight = -2 }, new { rateLimitWindowSeconds = 7200 }, new { rateLimitWindowSeconds = 10 } })
        {
            var (status, body) = await ScaleToZeroTests.PatchAsync(user, "ok", settings);
            Assert.True(status == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(settings)} answered {(int)status}: {body}");
        }
    }
}
