using System.Net.Http.Headers;
using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Auth;

/// <summary>A public function (no KK_AUTH_AUTHORITY) answers anyone, and never sees a caller's credentials or a forged user.</summary>
public sealed class PublicFunctionTests : IAsyncLifetime
{
    private GitRepo _repo = null!;
    private WorkerProcess _worker = null!;

    public async Task InitializeAsync()
    {
        _repo = new GitRepo();
        var sha = _repo.Write("klusterkluck.yaml", "kind: nodejs\n")
            .Write("index.js", "module.exports = async (r) => `${r.headers['x-klusterkluck-user'] ?? 'anonymous'}, ${r.headers.authorization ?? 'no credentials'}`;")
            .Commit("public");
        _worker = await WorkerProcess.StartReadyAsync(WorkerProcess.Env(_repo, sha));
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _repo.Dispose();
    }

    [Theory]
    [InlineData("Bearer", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "anonymous, no credentials")]
    [InlineData("bearer", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "anonymous, no credentials")]
    [InlineData("Basic", "dTpw", "anonymous, no credentials")]
    public async Task AuthorizationHeadersAreKeptFromIt(string scheme, string value, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, value);
        request.Headers.Add("X-Klusterkluck-User", "alice");

        using var response = await _worker.Client.SendAsync(request);

        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }
}
