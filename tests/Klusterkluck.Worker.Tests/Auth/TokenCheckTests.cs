using System.Net;
using System.Net.Http.Headers;
using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Auth;

/// <summary>One worker for alice/hello behind a real issuer; every test sends its own token.</summary>
public sealed class TokenCheckTests : IAsyncLifetime
{
    private const string Audience = "klusterkluck-functions";
    private GitRepo _repo = null!;
    private TestIdentityProvider _issuer = null!;
    private WorkerProcess _worker = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIdentityProvider.StartAsync();
        _repo = new GitRepo();
        var sha = _repo.Write("klusterkluck.yaml", "kind: nodejs\n").Write("index.js", "module.exports = async (r) => `secret answer for ${r.headers['x-klusterkluck-user']}, ${r.headers.authorization ?? 'no token'}`;").Commit("private");
        var env = WorkerProcess.Env(_repo, sha);
        env["KK_AUTH_AUTHORITY"] = _issuer.Issuer;
        env["KK_AUTH_AUDIENCE"] = Audience;
        _worker = await WorkerProcess.StartReadyAsync(env);
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _issuer.DisposeAsync();
        _repo.Dispose();
    }

    private async Task<HttpResponseMessage> GetAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _worker.Client.SendAsync(request);
    }

    [Fact]
    public async Task OwnersTokenIsAcceptedAndKeptFromTheFunction()
    {
        using var response = await GetAsync(_issuer.Mint("alice", audience: Audience));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secret answer for alice, no token", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoTokenIs401()
    {
        using var response = await GetAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ExpiredTokenIs401()
    {
        using var response = await GetAsync(_issuer.Mint("alice", validFor: TimeSpan.FromMinutes(-10), audience: Audience));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenFromAnotherIssuerIs401()
    {
        using var response = await GetAsync(_issuer.Mint("alice", issuer: "http://127.0.0.1:1/realms/elsewhere", audience: Audience));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenSignedWithAnotherKeyIs401()
    {
        using var response = await GetAsync(_issuer.Mint("alice", audience: Audience, foreignKey: true));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenForAnotherAudienceIs401()
    {
        using var response = await GetAsync(_issuer.Mint("alice", audience: "some-other-client"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnotherUsersTokenIsNotFoundAsIfTheFunctionWereMissing()
    {
        using var response = await GetAsync(_issuer.Mint("mallory", audience: Audience));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("secret answer", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProbesNeedNoToken()
    {
        using var ready = await GetAsync(null).ContinueWith(_ => _worker.Client.GetAsync("/healthz")).Unwrap();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
