using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using k8s.Models;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;
using Klusterkluck.Api.Tests.Scaling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>
/// Scale to zero and autoscaling on concurrency on the Kubernetes runtime, driven through the real
/// Api and KubernetesClient against <see cref="FakeKubernetes"/>. The functions' Service is a
/// stand-in that answers only while the fake cluster has a pod of the function (as a Service
/// with no endpoints would not), so a request forwarded before its pod exists fails the test.
/// </summary>
public sealed class KubernetesScalingTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private readonly ConcurrentDictionary<string, int> _delays = new();
    private FakeKubernetes _cluster = null!;
    private LoopbackServer _service = null!;
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        _cluster = await FakeKubernetes.StartAsync();
        _service = await LoopbackServer.StartAsync(app => app.Map("/{**path}", async (HttpContext context) =>
        {
            // ServiceAddress's path here: /{namespace}/{function}/…, the function's Ingress path under its namespace.
            var (ns, function) = context.Request.Path.Value!.Trim('/').Split('/') is [var n, var f, ..] ? (n, f) : ("", "");
            var pods = _cluster.List("Pod", ns).Count(p => (string?)p["metadata"]!["labels"]?["klusterkluck.io/function"] == function
                && (bool?)p["status"]?["containerStatuses"]?[0]?["ready"] == true);
            if (pods == 0)
            {
                return Results.Text("no endpoints", statusCode: 503);
            }
            await Task.Delay(_delays.GetValueOrDefault(function));
            return Results.Text($"served by a pod of {function}");
        }));
        _api = await KubernetesFixture.StartApiAsync(_cluster, _data.Path, new Dictionary<string, string>
        {
            ["Runtime__Kubernetes__ServiceAddress"] = $"{_service.BaseUrl}/{{namespace}}",
            ["Scaling__StableWindow"] = "00:00:04",
            ["Scaling__ScaleDownDelay"] = "00:00:02",
        });
    }

    [Fact]
    public async Task AFunctionAtZeroIsScaledUpThroughTheScaleSubresourceOnItsFirstRequestsOnceAndBackToZeroWhenIdle()
    {
        using var user = await UserSession.StartAsync(_api, "kzero");
        var ns = $"kk-{user.Username}";
        var idle = await CreateIdleAsync(user, "lazy");
        Assert.Contains("scaled to zero", idle.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
        Assert.Equal(0, _cluster.Get<V1Deployment>("Deployment", ns, "lazy")!.Spec.Replicas);
        // No Ingress: every request comes through the gateway, which can wake it.
        Assert.Null(_cluster.Get("Ingress", ns, "lazy"));
        Assert.Null(_cluster.Get("HorizontalPodAutoscaler", ns, "lazy"));
        var scaleWrites = ScaleWrites(ns, "lazy");
        Assert.Equal(1, scaleWrites);

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await user.CallAsync("lazy");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "served by a pod of lazy"), a));
        // One start for all five, through the scale subresource.
        Assert.Equal(scaleWrites + 1, ScaleWrites(ns, "lazy"));
        var awake = await user.GetFunctionAsync("lazy");
        Assert.StartsWith("a request arrived: started 1 replica in", awake.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
        Assert.Equal(1, awake.GetProperty("scale").GetProperty("wanted").GetInt32());

        await ScaleToZeroTests.WaitForStateAsync(user, "lazy", "idle");
        Assert.Equal(0, _cluster.Get<V1Deployment>("Deployment", ns, "lazy")!.Spec.Replicas);
    }

    [Fact]
    public async Task AColdStartWhosePodCannotStartAnswers503WithItsReasonAndTheNextRequestTriesAgain()
    {
        using var user = await UserSession.StartAsync(_api, "kcold");
        var ns = $"kk-{user.Username}";
        await CreateIdleAsync(user, "moody");

        _cluster.Kubelet.Outcome = d => (string?)d["metadata"]!["name"] == "moody"
            ? new PodOutcome("CrashLoopBackOff", "back-off restarting failed container", "told not to start")
            : PodOutcome.Ready;
        try
        {
            using var refused = await user.CallAsync("moody");
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("5", refused.Headers.RetryAfter?.ToString());
            Assert.Contains("CrashLoopBackOff", problem.GetProperty("detail").GetString());
            var failed = await user.GetFunctionAsync("moody");
            Assert.Equal("idle", failed.GetProperty("state").GetString());
            Assert.StartsWith("cold start failed: ", failed.GetProperty("scale").GetProperty("lastDecision").GetProperty("reason").GetString());
            Assert.Equal(0, _cluster.Get<V1Deployment>("Deployment", ns, "moody")!.Spec.Replicas);
        }
        finally
        {
            // Once the controller has taken the failed pod away (scaled back to zero), pods start again.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_cluster.List("Pod", ns).Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            _cluster.Kubelet.Outcome = _ => PodOutcome.Ready;
        }
        Assert.Equal("served by a pod of moody", await user.CallTextAsync("moody"));
    }

    [Fact]
    public async Task AThrottledFunctionHasNoIngressOfItsOwnSoItsLimitHoldsForEveryRequest()
    {
        using var user = await UserSession.StartAsync(_api, "kthrottle");
        var ns = $"kk-{user.Username}";
        using (var created = await user.Client.PostAsJsonAsync("/api/v1/functions?wait=true",
            new { name = "capped", kind = "nodejs", rateLimit = 2, rateLimitWindowSeconds = 600 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        Assert.Null(_cluster.Get("Ingress", ns, "capped"));
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await user.CallAsync("capped");
            answers.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);

        // Without a throttle it gets its Ingress back (the change redeploys, for the routes).
        var (_, cleared) = await ScaleToZeroTests.PatchAsync(user, "capped", new { rateLimit = 0 }, wait: true);
        Assert.Equal("ready", cleared.GetProperty("state").GetString());
        Assert.NotNull(_cluster.Get("Ingress", ns, "capped"));
        Assert.Equal("served by a pod of capped", await user.CallTextAsync("capped"));
    }

    [Fact]
    public async Task ConcurrencyAboveTheTargetAddsReplicasThroughTheScaleSubresourceAndTheyGoWhenTheLoadDoes()
    {
        using var user = await UserSession.StartAsync(_api, "kauto");
        var ns = $"kk-{user.Username}";
        _delays["busy"] = 300;
        using (var created = await user.Client.PostAsJsonAsync("/api/v1/functions?wait=true",
            new { name = "busy", kind = "nodejs", minReplicas = 1, maxReplicas = 3, targetConcurrency = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        Assert.Null(_cluster.Get("HorizontalPodAutoscaler", ns, "busy"));
        Assert.Null(_cluster.Get("Ingress", ns, "busy"));

        // Six callers for a while, each waiting for its reply before the next call: about six in flight.
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var failures = 0;
        var callers = Enumerable.Range(0, 6).Select(async _ =>
        {
            while (!load.IsCancellationRequested)
            {
                using var response = await user.CallAsync("busy");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        await Task.WhenAll(callers);
        Assert.Equal(0, failures);
        Assert.Equal(3, _cluster.Get<V1Deployment>("Deployment", ns, "busy")!.Spec.Replicas);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_cluster.Get<V1Deployment>("Deployment", ns, "busy")!.Spec.Replicas != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the added replicas never went");
            await Task.Delay(200);
        }
        var settled = await user.GetFunctionAsync("busy");
        Assert.Equal(1, settled.GetProperty("scale").GetProperty("wanted").GetInt32());
    }

    /// <summary>Creates a nodejs function with no minimum and a 1 s idle timeout, and waits until it is at zero.</summary>
    private static async Task<JsonElement> CreateIdleAsync(UserSession user, string name)
    {
        using (var created = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name, kind = "nodejs", minReplicas = 0, idleTimeoutSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        return await ScaleToZeroTests.WaitForStateAsync(user, name, "idle");
    }

    private int ScaleWrites(string ns, string name) =>
        _cluster.Requests.Count(r => r == $"PUT /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale");

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _service.DisposeAsync();
        await _cluster.DisposeAsync();
        _data.Dispose();
    }
}
