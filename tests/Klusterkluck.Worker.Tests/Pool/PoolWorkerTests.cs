using System.Net;
using System.Net.Http.Headers;
using Klusterkluck.Functions;
using Klusterkluck.Testing;
using Klusterkluck.Worker.Tests.Infrastructure;

namespace Klusterkluck.Worker.Tests.Pool;

/// <summary>A pool worker started as the local runtime starts one, then handed its function (PoolProtocol).</summary>
public sealed class PoolWorkerTests
{
    private const string Key = "the-pool-key";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private static readonly Dictionary<string, string> s_hello = new()
    {
        ["klusterkluck.yaml"] = "kind: nodejs\nenv:\n  GREETING: Hello\n",
        ["index.js"] = "module.exports = async (r) => `${process.env.GREETING} from ${process.pid} in ${process.cwd() === __dirname}, ${r.headers['x-klusterkluck-user'] ?? 'anyone'}`;\n",
    };

    private static async Task<WorkerProcess> StartPooledAsync(string kind, string? expectedIssuer = null)
    {
        var environment = new Dictionary<string, string> { ["KK_POOL_KEY"] = Key, ["KK_POOL_KIND"] = kind };
        if (expectedIssuer is not null)
        {
            environment["KK_POOL_AUTH_AUTHORITY"] = expectedIssuer;
            environment["KK_POOL_AUTH_AUDIENCE"] = "klusterkluck-functions";
        }
        var worker = WorkerProcess.Start(environment);
        Assert.True(await worker.WaitForOutputAsync(WorkerLines.Pooled, TimeSpan.FromSeconds(60)), worker.Output);
        return worker;
    }

    private static async Task<HttpResponseMessage> HandOverAsync(WorkerProcess worker, byte[] archive, string key = Key,
        string function = "alice/hello", string? authority = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PoolProtocol.Path) { Content = new ByteArrayContent(archive) };
        request.Headers.Add(PoolProtocol.KeyHeader, key);
        request.Headers.Add(PoolProtocol.FunctionHeader, function);
        request.Headers.Add(PoolProtocol.CommitHeader, Commit);
        request.Headers.Add(PoolProtocol.ArchiveHeader, PoolProtocol.Tree);
        if (authority is not null)
        {
            request.Headers.Add(PoolProtocol.AuthorityHeader, authority);
            request.Headers.Add(PoolProtocol.AudienceHeader, "klusterkluck-functions");
        }
        return await worker.Client.SendAsync(request);
    }

    [Fact]
    public async Task AWarmNodeTakesTheFunctionHandedOverAndTheWorkerNeverTakesASecond()
    {
        await using var worker = await StartPooledAsync("nodejs");
        // node booted before any function: the one that will serve.
        var warm = Processes.Descendants(worker.ProcessId).Single(p => p.Value.Contains("shim.mjs", StringComparison.Ordinal)).Key;
        using (var early = await worker.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        }

        using (var wrongKey = await HandOverAsync(worker, TreeArchive.Of(s_hello), key: "guessed"))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrongKey.StatusCode);
        }
        using (var handedOver = await HandOverAsync(worker, TreeArchive.Of(s_hello)))
        {
            Assert.Equal(HttpStatusCode.NoContent, handedOver.StatusCode);
        }

        Assert.Equal($"Hello from {warm} in true, anyone", await worker.Client.GetStringAsync("/"));
        using var second = await HandOverAsync(worker, TreeArchive.Of(new Dictionary<string, string>
        {
            ["klusterkluck.yaml"] = "kind: nodejs\n",
            ["index.js"] = "module.exports = async () => 'another tenant';\n",
        }), function: "mallory/other");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.StartsWith("Hello from", await worker.Client.GetStringAsync("/"));
    }

    /// <param name="expected">Whether the worker knew the issuer ahead (the local runtime's case: it fetched its keys while it waited).</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APrivateFunctionHandedOverChecksItsOwnersToken(bool expected)
    {
        await using var issuer = await TestIdentityProvider.StartAsync();
        await using var worker = await StartPooledAsync("nodejs", expected ? issuer.Issuer : null);
        using (var handedOver = await HandOverAsync(worker, TreeArchive.Of(s_hello), authority: issuer.Issuer))
        {
            Assert.Equal(HttpStatusCode.NoContent, handedOver.StatusCode);
        }

        async Task<HttpResponseMessage> GetAsync(string? user)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            if (user is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Mint(user, audience: "klusterkluck-functions"));
            }
            return await worker.Client.SendAsync(request);
        }
        using var none = await GetAsync(null);
        using var owner = await GetAsync("alice");
        using var other = await GetAsync("mallory");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.EndsWith(", alice", await owner.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task AnotherKindThanTheWarmOneServesAndABrokenFunctionEndsTheWorkerWithItsReason()
    {
        await using (var worker = await StartPooledAsync("nodejs"))
        {
            using var handedOver = await HandOverAsync(worker, TreeArchive.Of(new Dictionary<string, string>
            {
                ["klusterkluck.yaml"] = "kind: exec\ncommand: ./run.sh\n",
                ["run.sh"] = "#!/bin/sh\necho \"exec says $(cat)\"\n",
            }, "run.sh"));
            Assert.Equal(HttpStatusCode.NoContent, handedOver.StatusCode);
            using var reply = await worker.Client.PostAsync("/", new StringContent("hi"));
            Assert.Equal("exec says hi", (await reply.Content.ReadAsStringAsync()).Trim());
        }

        await using var broken = await StartPooledAsync("nodejs");
        using var refused = await HandOverAsync(broken, TreeArchive.Of(new Dictionary<string, string>
        {
            ["klusterkluck.yaml"] = "kind: nodejs\n",
            ["index.js"] = "throw new Error('no such luck');\n",
        }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("no such luck", await refused.Content.ReadAsStringAsync());
        Assert.True(await broken.WaitForOutputAsync(WorkerLines.Prefix, TimeSpan.FromSeconds(10)), broken.Output);
    }
}
