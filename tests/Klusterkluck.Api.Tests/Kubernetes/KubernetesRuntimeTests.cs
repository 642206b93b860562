using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>The Kubernetes runtime driven through the real Api and the real KubernetesClient against <see cref="FakeKubernetes"/>.</summary>
public sealed class KubernetesRuntimeTests(KubernetesFixture fixture) : IClassFixture<KubernetesFixture>
{
    private FakeKubernetes Cluster => fixture.Cluster;

    [Fact]
    public async Task RegisteringAUserCreatesTheirNamespaceWithItsPolicyAndQuota()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "ns");
        var ns = Cluster.Get<V1Namespace>("Namespace", "", $"kk-{user.Username}");

        Assert.NotNull(ns);
        Assert.Equal("klusterkluck", ns.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal(user.Username, ns.Metadata.Labels["klusterkluck.io/user"]);
        var policy = Cluster.Get<V1NetworkPolicy>("NetworkPolicy", ns.Metadata.Name, "klusterkluck-tenant")!;
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        var peers = policy.Spec.Ingress.Single().FromProperty;
        Assert.Contains(peers, p => p.PodSelector is not null && p.NamespaceSelector is null);
        Assert.Contains(peers, p => p.NamespaceSelector?.MatchLabels["kubernetes.io/metadata.name"] == "klusterkluck");
        Assert.Contains(peers, p => p.NamespaceSelector?.MatchLabels["kubernetes.io/metadata.name"] == "ingress-nginx");
        var quota = Cluster.Get<V1ResourceQuota>("ResourceQuota", ns.Metadata.Name, "klusterkluck-quota")!;
        Assert.Equal("7", quota.Spec.Hard["pods"].ToString());
        Assert.Equal("8Gi", quota.Spec.Hard["requests.memory"].ToString());
    }

    [Fact]
    public async Task CreatingAFunctionCreatesItsDeploymentServiceIngressAndSecret()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "objects");
        await user.CreateFunctionAsync("hello", "nodejs");
        var function = await user.WaitReadyAsync("hello");
        var commit = function.GetProperty("deployedCommit").GetString()!;
        var ns = $"kk-{user.Username}";

        var deployment = Cluster.Get<V1Deployment>("Deployment", ns, "hello")!;
        Assert.Equal("hello", deployment.Metadata.Labels["klusterkluck.io/function"]);
        Assert.Equal(user.Username, deployment.Metadata.Labels["klusterkluck.io/user"]);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal(commit, deployment.Spec.Template.Metadata.Labels["klusterkluck.io/commit"]);
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal("registry.example.test/klusterkluck/worker:1.0", container.Image);
        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal(commit, env["KK_GIT_COMMIT"].Value);
        Assert.Equal($"{fixture.Api.BaseUrl}/git/{user.Username}/hello.git", env["KK_GIT_URL"].Value);
        Assert.Equal($"{user.Username}/hello", env["KK_FUNCTION"].Value);
        Assert.Equal(fixture.Api.Issuer, env["KK_AUTH_AUTHORITY"].Value);
        Assert.Equal("/hello", env["KK_PATH_BASE"].Value);
        Assert.Null(env["KK_GIT_TOKEN"].Value);
        Assert.Equal("hello-git", env["KK_GIT_TOKEN"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("token", env["KK_GIT_TOKEN"].ValueFrom.SecretKeyRef.Key);
        Assert.Equal("/healthz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("50m", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("512Mi", container.Resources.Limits["memory"].ToString());
        Assert.False(deployment.Spec.Template.Spec.AutomountServiceAccountToken);

        var secret = Cluster.Get<V1Secret>("Secret", ns, "hello-git")!;
        Assert.StartsWith("kkread-", Encoding.UTF8.GetString(secret.Data["token"]));
        var service = Cluster.Get<V1Service>("Service", ns, "hello")!;
        Assert.Equal("hello", service.Spec.Selector["klusterkluck.io/function"]);
        Assert.Equal(80, service.Spec.Ports.Single().Port);
        var ingress = Cluster.Get<V1Ingress>("Ingress", ns, "hello")!;
        var rule = ingress.Spec.Rules.Single();
        Assert.Equal($"{user.Username}.{KubernetesFixture.Domain}", rule.Host);
        Assert.Equal("/hello", rule.Http.Paths.Single().Path);
        Assert.Equal("Prefix", rule.Http.Paths.Single().PathType);
        Assert.Equal("hello", rule.Http.Paths.Single().Backend.Service.Name);
        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        Assert.Null(Cluster.Get("HorizontalPodAutoscaler", ns, "hello"));

        var instance = function.GetProperty("instances").EnumerateArray().Single();
        Assert.Equal("ready", instance.GetProperty("state").GetString());
        Assert.Equal(commit, instance.GetProperty("commit").GetString());
        Assert.StartsWith("hello-", instance.GetProperty("pod").GetString());
    }

    [Fact]
    public async Task RedeployingChangesOnlyTheCommitInThePodTemplate()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "redeploy");
        await user.CreateFunctionAsync("hello", "static", isPublic: true);
        var first = (await user.WaitReadyAsync("hello")).GetProperty("deployedCommit").GetString()!;
        var ns = $"kk-{user.Username}";
        var before = Cluster.Get("Deployment", ns, "hello")!;
        using var clone = Clone.Of(user, "hello");
        var second = clone.Write("index.html", "<p>two</p>").CommitAndPush("Two");

        await user.DeployAsync("hello", second);
        await user.WaitReadyAsync("hello", second);

        var after = Cluster.Get("Deployment", ns, "hello")!;
        Assert.Equal(FakeKubernetes.Generation(before) + 1, FakeKubernetes.Generation(after));
        var expected = before["spec"]!.ToJsonString().Replace(first, second, StringComparison.Ordinal);
        Assert.Equal(expected, after["spec"]!.ToJsonString());
        var pods = Cluster.List("Pod", ns);
        Assert.All(pods, p => Assert.Equal(second, (string?)p["metadata"]!["labels"]!["klusterkluck.io/commit"]));
    }

    [Fact]
    public async Task AFunctionThatAsksToScaleGetsAHorizontalPodAutoscaler()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "hpa");
        await user.CreateFunctionAsync("busy", "exec", replicas: 2, maxReplicas: 6);
        await user.WaitReadyAsync("busy");
        var ns = $"kk-{user.Username}";

        var hpa = Cluster.Get<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler", ns, "busy")!;
        Assert.Equal(2, hpa.Spec.MinReplicas);
        Assert.Equal(6, hpa.Spec.MaxReplicas);
        Assert.Equal("busy", hpa.Spec.ScaleTargetRef.Name);
        Assert.Equal(70, hpa.Spec.Metrics.Single().Resource.Target.AverageUtilization);
        Assert.Equal(2, Cluster.Get<V1Deployment>("Deployment", ns, "busy")!.Spec.Replicas);
        Assert.Equal(6, (await user.GetFunctionAsync("busy")).GetProperty("maxReplicas").GetInt32());

        using var invalid = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "odd", kind = "exec", replicas = 3, maxReplicas = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("maxReplicas", await invalid.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DeletingAFunctionLeavesNothingOfIt()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "delete");
        await user.CreateFunctionAsync("gone", "nodejs", maxReplicas: 3);
        await user.WaitReadyAsync("gone");
        var ns = $"kk-{user.Username}";
        Assert.Contains("HorizontalPodAutoscaler/gone", Cluster.Names(ns));

        await user.DeleteAsync("gone");

        Assert.Equal(["NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota"], Cluster.Names(ns));
        using var call = await user.CallAsync("gone");
        Assert.Equal(HttpStatusCode.NotFound, call.StatusCode);
    }

    [Fact]
    public async Task ConflictingWritesAreRetried()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "conflict");
        await user.CreateFunctionAsync("hello", "exec");
        await user.WaitReadyAsync("hello");
        using var clone = Clone.Of(user, "hello");
        var second = clone.Write("note.txt", "two").CommitAndPush("Two");
        var path = $"/namespaces/kk-{user.Username}/deployments/hello";
        Cluster.Inject("PUT", path, 409, "Conflict", times: 3);

        await user.DeployAsync("hello", second);
        await user.WaitReadyAsync("hello", second);

        Assert.Equal(4, Cluster.Requests.Count(r => r.StartsWith($"PUT /apis/apps/v1{path}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ApiServerErrorsBecomeTheFunctionsStateNotACrash()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "errors");
        var path = $"/namespaces/kk-{user.Username}/deployments";
        Cluster.Inject("POST", path, 403, "Forbidden");
        try
        {
            await user.CreateFunctionAsync("hello", "nodejs");
            var function = await user.WaitDeployedAsync("hello");

            Assert.Equal("failed", function.GetProperty("state").GetString());
            var error = function.GetProperty("deployment").GetProperty("error").GetString()!;
            Assert.Contains("403", error);
            Assert.Contains("injected: Forbidden", error);
            using var health = await fixture.Api.Client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var call = await user.CallAsync("hello");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        }
        finally
        {
            fixture.Cluster.ClearFaults();
        }

        var commit = (await user.GetFunctionAsync("hello")).GetProperty("deployment").GetProperty("commit").GetString()!;
        await user.DeployAsync("hello", commit);
        await user.WaitReadyAsync("hello", commit);
    }

    [Fact]
    public async Task AFailedRolloutIsReportedAndUndone()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "rollout");
        await user.CreateFunctionAsync("hello", "nodejs");
        var good = (await user.WaitReadyAsync("hello")).GetProperty("deployedCommit").GetString()!;
        using var clone = Clone.Of(user, "hello");
        var bad = clone.Write("index.js", "require('left-pad');").CommitAndPush("Needs a module");
        Cluster.Kubelet.Outcome = d => d.ToJsonString().Contains(bad, StringComparison.Ordinal)
            ? new PodOutcome("CrashLoopBackOff", "back-off 40s restarting failed container",
                "starting\nklusterkluck-worker: cannot load index.js: Cannot find module 'left-pad'")
            : PodOutcome.Ready;
        try
        {
            await user.DeployAsync("hello", bad);
            var function = await user.WaitDeployedAsync("hello");

            Assert.Equal("failed", function.GetProperty("state").GetString());
            Assert.Equal(good, function.GetProperty("deployedCommit").GetString());
            var error = function.GetProperty("deployment").GetProperty("error").GetString()!;
            Assert.Contains("CrashLoopBackOff", error);
            Assert.Contains("Cannot find module 'left-pad'", error);
            var deployment = Cluster.Get<V1Deployment>("Deployment", $"kk-{user.Username}", "hello")!;
            Assert.Equal(good, deployment.Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "KK_GIT_COMMIT").Value);
            await WaitAsync(() => Cluster.List("Pod", $"kk-{user.Username}")
                .All(p => (string?)p["metadata"]!["labels"]!["klusterkluck.io/commit"] == good));
        }
        finally
        {
            Cluster.Kubelet.Outcome = _ => PodOutcome.Ready;
        }
    }

    [Fact]
    public async Task AnImageThatCannotBePulledFailsTheFirstDeployWithTheReasonAndLogs()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "image");
        Cluster.Kubelet.Outcome = d => (string?)d["metadata"]!["namespace"] == $"kk-{user.Username}"
            ? new PodOutcome("ImagePullBackOff", "Back-off pulling image \"registry.example.test/klusterkluck/worker:1.0\"", "pull failed")
            : PodOutcome.Ready;
        try
        {
            await user.CreateFunctionAsync("hello", "exec");
            var function = await user.WaitDeployedAsync("hello");

            Assert.Equal("failed", function.GetProperty("state").GetString());
            Assert.Contains("ImagePullBackOff", function.GetProperty("deployment").GetProperty("error").GetString());
            Assert.Equal("ImagePullBackOff", function.GetProperty("instances")[0].GetProperty("state").GetString());
            using var logs = await user.Client.GetAsync("/api/v1/functions/hello/logs?lines=5");
            var replica = (await logs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replicas")[0];
            Assert.Equal("pull failed", replica.GetProperty("lines")[0].GetProperty("text").GetString());
        }
        finally
        {
            Cluster.Kubelet.Outcome = _ => PodOutcome.Ready;
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }
}
