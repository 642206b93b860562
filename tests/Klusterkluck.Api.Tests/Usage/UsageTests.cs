using Klusterkluck.Api.Data;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Usage;

/// <summary>
/// GET /api/v1/usage: every invocation counted once whichever door it came through (gateway,
/// invoke endpoint, a flow's step), bytes exact, only for the function's owner, and nothing lost
/// when the Api is killed but the counts of its last flush interval.
/// </summary>
public sealed class UsageTests
{
    private const string Handler = """
        module.exports = async (r) => {
          if (r.query.fail) return { status: 500, body: 'failed on purpose' };
          return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(Number(r.query.size || 10)) };
        };
        """;

    public static TheoryData<StoreProvider> Providers => [StoreProvider.Sqlite, StoreProvider.PostgreSQL];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryInvocationIsCountedExactlyOnlyForItsOwnerAndSurvivesAKilledApi(StoreProvider provider)
    {
        using var data = new TempFolder();
        // Both providers: the flush is the same SQL upsert on each.
        await using var store = TestStore.Create(provider);
        var environment = new Dictionary<string, string>(FlowClient.QuickEngine);
        foreach (var (name, value) in store.ApiEnvironment())
        {
            environment[name] = value;
        }
        var api = await ApiProcess.StartAsync(data.Path, environment);
        // Whichever Api runs when an assertion fails is stopped (the test kills and restarts it twice).
        await using var cleanup = new Cleanup(() => api.DisposeAsync());
        var port = api.Port;
        string username, password;
        var wall = Stopwatch.StartNew();
        using (var user = await UserSession.StartAsync(api, "metered"))
        {
            (username, password) = (user.Username, user.Password);
            await user.CreateWithCodeAsync("meter", "nodejs", new Dictionary<string, string> { ["index.js"] = Handler });
            using (var limited = await user.Client.PostAsJsonAsync("/api/v1/functions?wait=true",
                new { name = "capped", kind = "static", rateLimit = 2, rateLimitWindowSeconds = 3600 }))
            {
                Assert.Equal(HttpStatusCode.Created, limited.StatusCode);
            }

            // Through the gateway: 6 GETs of 100 bytes, 3 POSTs of 50 bytes (10 back), 2 failures (17 back), one POST with no length (40 in, 10 back).
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(100, (await user.CallTextAsync("meter", "?size=100")).Length);
            }
            for (var i = 0; i < 3; i++)
            {
                using var posted = await user.CallAsync("meter", body: new StringContent(new string('b', 50)));
                Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            }
            for (var i = 0; i < 2; i++)
            {
                using var failed = await user.CallAsync("meter", "?fail=1");
                Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            }
            using (var chunked = await user.CallAsync("meter", body: new UnknownLength(new string('c', 40))))
            {
                Assert.Equal(HttpStatusCode.OK, chunked.StatusCode);
                Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
            }
            // The invoke endpoint: 5 bytes in, 10 out.
            using (var invoked = await user.Client.PostAsync("/api/v1/functions/meter/invoke", new StringContent("hello")))
            {
                Assert.Equal(HttpStatusCode.OK, invoked.StatusCode);
            }
            // Two events through a flow whose step is the function: 3 bytes in and 10 out each.
            await user.CreateFlowAsync("metering", [Http("in"), Function("m", "meter")], [Edge("in", "m")]);
            await user.DeployFlowAsync("metering");
            await user.SendEventAsync("metering", "in", "abc");
            await user.SendEventAsync("metering", "in", "abc");
            var runs = await user.WaitRunsOverAsync("metering", 2, TimeSpan.FromSeconds(60));
            Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
            // A throttled function: two through, the third refused (counted as throttled, not invoked).
            Assert.Equal(HttpStatusCode.OK, (await user.CallAsync("capped")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await user.CallAsync("capped")).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await user.CallAsync("capped")).StatusCode);

            var usage = await WaitForInvocationsAsync(user, "meter", 15);
            var totals = usage.GetProperty("totals");
            Assert.Equal(15, totals.GetProperty("invocations").GetInt64());
            Assert.Equal(2, totals.GetProperty("errors").GetInt64());
            Assert.Equal(0, totals.GetProperty("throttled").GetInt64());
            Assert.Equal(150 + 40 + 5 + 6, totals.GetProperty("bytesIn").GetInt64());
            Assert.Equal(600 + 30 + 34 + 10 + 10 + 20, totals.GetProperty("bytesOut").GetInt64());
            var duration = totals.GetProperty("durationMs").GetDouble();
            Assert.InRange(duration, 0.001, wall.Elapsed.TotalMilliseconds);
            Assert.True(totals.GetProperty("replicaSeconds").GetDouble() > 0, totals.ToString());
            Assert.True(totals.GetProperty("gbSeconds").GetDouble() > 0, totals.ToString());
            Assert.All(usage.GetProperty("periods").EnumerateArray(), p => Assert.Equal("meter", p.GetProperty("function").GetString()));

            var capped = await WaitForInvocationsAsync(user, "capped", 2, throttled: 1);
            Assert.Equal(1, capped.GetProperty("totals").GetProperty("throttled").GetInt64());

            // Per hour and per day, the same totals; all functions together, more.
            foreach (var granularity in new[] { "hour", "day" })
            {
                var coarse = await user.Client.GetFromJsonAsyncOk($"/api/v1/usage?function=meter&granularity={granularity}");
                Assert.Equal(15, coarse.GetProperty("totals").GetProperty("invocations").GetInt64());
                Assert.Equal(granularity, coarse.GetProperty("granularity").GetString());
            }
            var all = await user.Client.GetFromJsonAsyncOk("/api/v1/usage");
            Assert.Equal(17, all.GetProperty("totals").GetProperty("invocations").GetInt64());

            // Nobody else sees any of it, even by the function's name.
            using (var stranger = await UserSession.StartAsync(api, "stranger"))
            {
                var theirs = await stranger.Client.GetFromJsonAsyncOk("/api/v1/usage?granularity=minute");
                Assert.Equal(0, theirs.GetProperty("totals").GetProperty("invocations").GetInt64());
                Assert.Empty(theirs.GetProperty("periods").EnumerateArray());
                var named = await stranger.Client.GetFromJsonAsyncOk("/api/v1/usage?function=meter");
                Assert.Equal(0, named.GetProperty("totals").GetProperty("invocations").GetInt64());
            }

            // Bad queries are 400s that name the parameter.
            foreach (var (query, field) in new[]
            {
                ("granularity=week", "granularity"),
                ("function=Not_A_Name", "function"),
                ("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"),
                ("granularity=minute&from=2026-10-01T00:00:00Z&to=2026-10-05T00:00:00Z", "from"),
            })
            {
                using var bad = await user.Client.GetAsync($"/api/v1/usage?{query}");
                var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)bad.StatusCode} {problem}");
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
            }
            // Past the flush interval, then killed: every count above is in the store.
            await Task.Delay(1500);
        }
        api.Kill();
        await api.WaitForExitAsync();
        await api.DisposeAsync();

        api = await ApiProcess.StartAsync(data.Path, environment, port);
        using var again = await UserSession.LoginAsync(api, username, password);
        var kept = await again.Client.GetFromJsonAsyncOk("/api/v1/usage?function=meter&granularity=minute");
        Assert.Equal(15, kept.GetProperty("totals").GetProperty("invocations").GetInt64());
        Assert.Equal(704, kept.GetProperty("totals").GetProperty("bytesOut").GetInt64());
        // The throttle came back from the store with the function: its window's two are spent.
        await Scaling.ScaleToZeroTests.WaitForStateAsync(again, "capped", "ready");
        Assert.Equal(HttpStatusCode.OK, (await again.CallAsync("capped")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.CallAsync("capped")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await again.CallAsync("capped")).StatusCode);

        // Killed while requests arrive: all but those since the last flush that completed are kept.
        await Scaling.ScaleToZeroTests.WaitForStateAsync(again, "meter", "ready");
        var sentAt = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            await again.CallTextAsync("meter");
            sentAt.Add(clock.Elapsed);
            await Task.Delay(150);
        }
        api.Kill();
        var killedAt = clock.Elapsed;
        await api.WaitForExitAsync();
        await api.DisposeAsync();
        api = await ApiProcess.StartAsync(data.Path, environment, port);
        using var last = await UserSession.LoginAsync(api, username, password);
        var counted = (await last.Client.GetFromJsonAsyncOk("/api/v1/usage?function=meter&granularity=minute"))
            .GetProperty("totals").GetProperty("invocations").GetInt64() - 15;
        // Lost at most: the interval since the last flush (1 s), and a flush under way when the
        // process died, with its own time on a loaded machine: 3 s in all. Nothing counted twice.
        var surelyFlushed = sentAt.Count(t => t < killedAt - TimeSpan.FromSeconds(3));
        Assert.True(surelyFlushed >= 15, $"only {surelyFlushed} calls more than 3 s before the kill: the calls were too slow to say anything");
        Assert.InRange(counted, surelyFlushed, 40);
    }

    private sealed class Cleanup(Func<ValueTask> dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => dispose();
    }

    private static async Task<JsonElement> WaitForInvocationsAsync(UserSession user, string function, long expected, long throttled = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var usage = await user.Client.GetFromJsonAsyncOk($"/api/v1/usage?function={function}&granularity=minute");
            var invocations = usage.GetProperty("totals").GetProperty("invocations").GetInt64();
            // Counts made in different flush intervals arrive in different flushes: wait for all of them.
            if ((invocations >= expected && usage.GetProperty("totals").GetProperty("throttled").GetInt64() >= throttled) || DateTime.UtcNow > deadline)
            {
                Assert.True(invocations == expected, $"{function}: {invocations} invocations counted, {expected} sent: {usage}");
                return usage;
            }
            await Task.Delay(200);
        }
    }

    /// <summary>A body sent without a Content-Length (chunked): the gateway counts it as it streams.</summary>
    private sealed class UnknownLength(string text) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
