using System.Net;

namespace Klusterkluck.Api.Tests.Gateway;

public sealed class GatewayTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task LargeBodiesStreamThroughBothWays()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "stream");
        await user.CreateWithCodeAsync("bulk", "exec", new Dictionary<string, string>
        {
            // The template's handler.sh is executable; its new content keeps the mode.
            ["handler.sh"] = "#!/bin/sh\nif [ \"$Http_Query\" = big ]; then head -c 30000000 /dev/zero; else wc -c; fi\n",
        });

        // 40 MB in: more than the Api's own request limit, which the gateway lifts for function calls.
        using (var upload = await user.CallAsync("bulk", body: new ByteArrayContent(new byte[40 * 1024 * 1024])))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
            Assert.Equal("41943040", (await upload.Content.ReadAsStringAsync()).Trim());
        }
        using var download = await user.CallAsync("bulk", "?big");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(30_000_000, (await download.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task FunctionsSeeTheirOwnPathsAndQueries()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "paths");
        await user.CreateWithCodeAsync("where", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = (r) => ({ path: r.path, query: r.query });\n",
        }, isPublic: true);

        var answer = await user.CallTextAsync("where", "a/b%20c?x=1&x=2");
        // Encoded as the client sent it, as node would see it without the gateway.
        Assert.Equal("""{"path":"/a/b%20c","query":{"x":["1","2"]}}""", answer);

        // The function's root without its slash is redirected to the folder (relative links need it).
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Api.BaseUrl) };
        using var redirect = await client.GetAsync($"/fn/{user.Username}/where?x=1");
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
        Assert.Equal($"/fn/{user.Username}/where/?x=1", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AFunctionStillDeployingAnswers503WithRetryAfter()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "early");
        await user.CreateFunctionAsync("soon", "static");
        using var response = await user.CallAsync("soon");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            await response.AssertProblemAsync(503);
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        }
        await user.WaitReadyAsync("soon");
        Assert.Contains("<html", await user.CallTextAsync("soon"), StringComparison.OrdinalIgnoreCase);
    }
}
