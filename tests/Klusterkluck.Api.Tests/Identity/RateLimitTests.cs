using System.Net;

namespace Klusterkluck.Api.Tests.Identity;

public sealed class RateLimitTests
{
    [Fact]
    public async Task LoginAttemptsBeyondTheLimitAreRefusedWithRetryAfter()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["RateLimits__Auth__PermitLimit"] = "4",
            ["RateLimits__Auth__Window"] = "00:10:00",
        });
        var (username, password) = await api.RegisterAsync("limited");

        // The registration was the first attempt; three wrong passwords use up the rest.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var wrong = await api.PostJsonAsync("/api/v1/auth/login", new { username, password = "guess-number-" + attempt });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var limited = await api.PostJsonAsync("/api/v1/auth/login", new { username, password });
        await limited.AssertProblemAsync(429);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // The OAuth token endpoint shares the budget: it is no way around the limit.
        using var direct = await api.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = username,
            ["password"] = password,
        }));
        Assert.Equal(HttpStatusCode.TooManyRequests, direct.StatusCode);
    }
}
