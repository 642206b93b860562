using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Gateway;

/// <summary>What the gateway tells callers who may not use a function, and what it never hands a public one.</summary>
public sealed class GatewayPrivacyTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AStrangerCannotTellAMissingFunctionFromAPrivateOne()
    {
        using var alice = await UserSession.StartAsync(fixture.Api, "hidden");
        using var mallory = await UserSession.StartAsync(fixture.Api, "prober");
        await alice.CreateFunctionAsync("secret", "nodejs");
        await alice.WaitReadyAsync("secret");
        var existing = $"/fn/{alice.Username}/secret/";
        var missing = $"/fn/{alice.Username}/nope/";
        var nobodys = $"/fn/nobody-{Guid.NewGuid():N}"[..30] + "/nope/";

        // No token, a token that does not validate: 401 alike, from the worker and from the gateway.
        foreach (var token in new[] { null, "not-a-token" })
        {
            var answers = await Task.WhenAll(new[] { existing, missing, nobodys }.Select(path => AnswerAsync(fixture.Api.Client, path, token)));
            Assert.All(answers, a => Assert.Equal(401, a.Status));
            Assert.All(answers, a => Assert.Equal("Bearer", a.WwwAuthenticate));
            Assert.Single(answers.Select(a => a.Problem).Distinct());
            Assert.DoesNotContain(alice.Username, answers[0].Problem);
        }

        // Another user's valid token: 404 alike, as the Api's own endpoints answer for others' functions.
        var probes = await Task.WhenAll(new[] { existing, missing, nobodys }.Select(path => AnswerAsync(fixture.Api.Client, path, mallory.AccessToken)));
        Assert.All(probes, a => Assert.Equal(404, a.Status));
        Assert.Single(probes.Select(a => a.Problem).Distinct());
        Assert.DoesNotContain("secret", probes[0].Problem);

        // The owner learns what is missing, and gets their function.
        var own = await AnswerAsync(fixture.Api.Client, missing, alice.AccessToken);
        Assert.Equal(404, own.Status);
        Assert.Contains("nope", own.Problem);
        Assert.Equal("Hello, world!\n", await alice.CallTextAsync("secret"));
    }

    [Fact]
    public async Task APrivateFunctionStillDeployingIsNoDifferentToAStranger()
    {
        using var owner = await UserSession.StartAsync(fixture.Api, "deploying");
        await owner.CreateFunctionAsync("soon", "static");
        // Whether the first deploy is over yet or not, a stranger is not told "not serving" (503).
        using var response = await fixture.Api.Client.GetAsync($"/fn/{owner.Username}/soon/");
        await response.AssertProblemAsync(401);
        await owner.WaitReadyAsync("soon");
    }

    [Fact]
    public async Task APublicFunctionNeverSeesAnAuthorizationHeader()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "open");
        await user.CreateWithCodeAsync("headers", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = (r) => ({ authorization: r.headers.authorization ?? null, user: r.headers['x-klusterkluck-user'] ?? null });\n",
        }, isPublic: true);
        var token = user.AccessToken;

        foreach (var headers in new[]
        {
            $"Authorization: Bearer {token}",
            $"Authorization: bearer {token}",
            $"Authorization: BEARER {token}",
            $"Authorization: Bearer\t{token}",
            $"Authorization: Basic dTpw\r\nAuthorization: Bearer {token}",
            $"Authorization: Bearer {token}\r\nAuthorization: Bearer {token}",
            $"authorization: Bearer {token}",
            "Authorization: Basic dTpw",
            $"Authorization: {token}",
        })
        {
            var answer = await RawGetAsync(fixture.Api.Port, $"/fn/{user.Username}/headers/", headers + "\r\nX-Klusterkluck-User: " + user.Username);
            Assert.Equal("""{"authorization":null,"user":null}""", answer);
        }
    }

    private sealed record Answer(int Status, string Problem, string? WwwAuthenticate);

    /// <summary>The status and the problem body without its per-request trace id.</summary>
    private static async Task<Answer> AnswerAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        var problem = await response.AssertProblemAsync((int)response.StatusCode);
        var shape = JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value));
        return new Answer((int)response.StatusCode, shape, response.Headers.WwwAuthenticate.SingleOrDefault()?.Scheme);
    }

    /// <summary>
    /// A request written by hand: HttpClient folds repeated headers into one and checks their
    /// values, and these requests are exactly what it would not send. HTTP/1.0, so the answer is
    /// the rest of the stream.
    /// </summary>
    private static async Task<string> RawGetAsync(int port, string path, string headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", response);
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }
}
