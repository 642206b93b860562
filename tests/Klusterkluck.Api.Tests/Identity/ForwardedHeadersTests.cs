using System.Net;
using System.Net.Http.Json;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>X-Forwarded-For decides the rate limit's client address only when a configured proxy sent it.</summary>
public sealed class ForwardedHeadersTests
{
    [Theory]
    [InlineData(false)]
    // What Aspire sets for every project: on its own it would trust the header from anyone.
    [InlineData(true)]
    public async Task WithoutKnownProxiesXForwardedForDoesNotEscapeTheLimit(bool aspnetcoreForwardedHeadersEnabled)
    {
        using var data = new TempFolder();
        var environment = Limited();
        if (aspnetcoreForwardedHeadersEnabled)
        {
            environment["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        }
        await using var api = await ApiProcess.StartAsync(data.Path, environment);

        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(api, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(api, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, "203.0.113.3"));
    }

    [Fact]
    public async Task AKnownProxysXForwardedForGivesEachClientItsOwnLimit()
    {
        using var data = new TempFolder();
        var environment = Limited();
        // In tests the proxy is this machine: every request comes from 127.0.0.1.
        environment["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1";
        await using var api = await ApiProcess.StartAsync(data.Path, environment);

        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(api, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(api, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(api, "203.0.113.2"));
        // The proxy appends what it saw to what the client sent: only the proxy's own entry counts.
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, "198.51.100.7, 203.0.113.1"));
    }

    [Fact]
    public async Task AProxyThatIsNotAnAddressStopsTheApi()
    {
        using var data = new TempFolder();
        await using var api = ApiProcess.Start(data.Path, new Dictionary<string, string> { ["ForwardedHeaders__KnownNetworks__0"] = "10.0.0.0/33" });
        Assert.Equal(1, await api.WaitForExitAsync());
        Assert.Contains("ForwardedHeaders:KnownNetworks: '10.0.0.0/33' is not a CIDR network", api.Output);
    }

    private static Dictionary<string, string> Limited() => new()
    {
        ["RateLimits__Auth__PermitLimit"] = "2",
        ["RateLimits__Auth__Window"] = "00:10:00",
    };

    private static async Task<HttpStatusCode> LoginStatusAsync(ApiProcess api, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { username = "nobody", password = "not-the-password" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await api.Client.SendAsync(request);
        return response.StatusCode;
    }
}
