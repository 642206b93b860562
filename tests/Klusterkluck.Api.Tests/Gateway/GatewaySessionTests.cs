using System.Net;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Gateway;

/// <summary>
/// Functions answer on the console's origin: they never see the platform's session cookies, cannot
/// set them, and their pages run sandboxed in an opaque origin.
/// </summary>
public sealed class GatewaySessionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task FunctionsNeitherSeeNorSetThePlatformsCookies()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "cookies");
        await user.CreateWithCodeAsync("jar", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = """
                module.exports = async (request) => ({
                  status: 200,
                  headers: { 'set-cookie': ['kk.console=forged; Path=/', '.AspNetCore.Antiforgery.x=forged', 'mine=2; Path=/fn/'] },
                  body: { cookie: request.headers.cookie || null },
                });
                """,
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fn/{user.Username}/jar/");
        request.Headers.Add("Cookie", "kk.console=session-secret; kk.idp=provider-secret; .AspNetCore.Antiforgery.abc=token; mine=1; theirs=3");
        using var response = await user.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("mine=1; theirs=3", JsonSerializer.Deserialize<JsonElement>(body).GetProperty("cookie").GetString());
        Assert.Equal(["mine=2; Path=/fn/"], response.Headers.GetValues("Set-Cookie"));
        var policy = string.Join(", ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("sandbox", policy);
        Assert.DoesNotContain("allow-same-origin", policy);
    }

    [Fact]
    public async Task AFunctionWithoutCookiesGetsNoneAndIsStillSandboxed()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "nocookie");
        await user.CreateFunctionAsync("site", "static", isPublic: true);
        await user.WaitReadyAsync("site");

        using var response = await fixture.Api.Client.GetAsync($"/fn/{user.Username}/site/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("sandbox", string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
    }
}
