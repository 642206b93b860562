using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Klusterkluck.Api.Git;
using Klusterkluck.Api.Hosting;
using Klusterkluck.Api.Identity;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Runtime.Kubernetes;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>
/// The Kubernetes runtime's connector methods called directly (no flow endpoints drive them here),
/// through the real KubernetesClient against a <see cref="FakeKubernetes"/> of each test's own.
/// </summary>
public sealed class KubernetesConnectorTests : IAsyncLifetime
{
    private const string Image = "registry.example.test/klusterkluck/connectors:1.0";
    private const string Token = "kkflow-secret-token";
    private const string HttpToken = "callers-secret-token";

    private readonly TempFolder _data = new();
    private FakeKubernetes _cluster = null!;
    private k8s.Kubernetes _client = null!;
    private KubernetesRuntime _runtime = null!;

    public async Task InitializeAsync()
    {
        _cluster = await FakeKubernetes.StartAsync();
        _client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.WriteKubeconfig(_data.Path)));
        _runtime = Runtime(new KubernetesRuntimeOptions { ConnectorImage = Image });
    }

    private KubernetesRuntime Runtime(KubernetesRuntimeOptions options) =>
        new(new KubernetesApi(_client), Options.Create(options), new GitTokens(new DataFolder(_data.Path)), new Api.Builds.BuildTokens(new DataFolder(_data.Path)),
            new TokenIssuer("http://issuer.example.test/", null),
            new ScaleMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            Options.Create(new Api.Runtime.Scaling.ScalingOptions()), new RunningForever(), NullLogger<KubernetesRuntime>.Instance);

    /// <summary>The host's lifetime, for a runtime made by hand: it never stops.</summary>
    private sealed class RunningForever : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    [Fact]
    public async Task DeployingAConnectorCreatesItsSecretAndDeploymentInTheUsersNamespace()
    {
        var deployment = Timer("alice", "orders", "tick", "r1");

        await _runtime.DeployConnectorAsync(deployment, CancellationToken.None);

        Assert.NotNull(_cluster.Get<V1Namespace>("Namespace", "", "kk-alice"));
        var name = ConnectorObjects.Name(deployment.Id);
        Assert.Equal(["Deployment/" + name, "NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota", "Secret/" + name],
            _cluster.Names("kk-alice"));
        var created = _cluster.Get<V1Deployment>("Deployment", "kk-alice", name)!;
        var labels = created.Spec.Template.Metadata.Labels;
        Assert.Equal("klusterkluck", labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("alice", labels["klusterkluck.io/user"]);
        Assert.Equal("orders", labels["klusterkluck.io/flow"]);
        Assert.Equal("tick", labels["klusterkluck.io/node"]);
        Assert.False(labels.ContainsKey("klusterkluck.io/function"));
        Assert.Equal("orders", created.Metadata.Labels["klusterkluck.io/flow"]);
        Assert.Equal("r1", created.Spec.Template.Metadata.Annotations["klusterkluck.io/revision"]);
        Assert.Equal(1, created.Spec.Replicas);
        Assert.Equal("Recreate", created.Spec.Strategy.Type);
        Assert.All(created.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));

        var pod = created.Spec.Template.Spec;
        var container = pod.Containers.Single();
        Assert.Equal(Image, container.Image);
        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal("timer", env["KK_CONNECTOR"].Value);
        Assert.Equal("http://api.example.test/api/v1/flows/orders/events", env["KK_TARGET_URL"].Value);
        Assert.Equal("* * * * * ?", env["KK_TIMER_CRON"].Value);
        Assert.Equal("http://+:8080", env["ASPNETCORE_URLS"].Value);
        Assert.Null(env["KK_TARGET_TOKEN"].Value);
        Assert.Equal(name, env["KK_TARGET_TOKEN"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("KK_TARGET_TOKEN", env["KK_TARGET_TOKEN"].ValueFrom.SecretKeyRef.Key);
        Assert.DoesNotContain(Token, _cluster.Get("Deployment", "kk-alice", name)!.ToJsonString());
        Assert.Equal(Token, Encoding.UTF8.GetString(_cluster.Get<V1Secret>("Secret", "kk-alice", name)!.Data["KK_TARGET_TOKEN"]));

        Assert.Equal(8080, container.Ports.Single(p => p.Name == "http").ContainerPort);
        Assert.Equal(("/health", "http"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/alive", "http"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        // The user's ResourceQuota admits only pods that state their requests and limits.
        Assert.Equal("20m", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("256Mi", container.Resources.Limits["memory"].ToString());
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.Equal(10001, pod.SecurityContext.RunAsUser);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
    }

    [Fact]
    public async Task AnHttpConnectorGetsAServiceToItsEventsPortAndItsSecretVariablesOnlyInTheSecret()
    {
        var deployment = Http("alice", "orders", "web", "r1");
        var name = ConnectorObjects.Name(deployment.Id);

        await _runtime.DeployConnectorAsync(deployment, CancellationToken.None);

        Assert.Equal(["Deployment/" + name, "NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota", "Secret/" + name, "Service/" + name],
            _cluster.Names("kk-alice"));
        var created = _cluster.Get<V1Deployment>("Deployment", "kk-alice", name)!;
        var container = created.Spec.Template.Spec.Containers.Single();
        Assert.Equal(8081, container.Ports.Single(p => p.Name == "events").ContainerPort);
        var env = container.Env.ToDictionary(e => e.Name);
        // The runtime's address, not the tenant's: all of the pod's own interfaces, on the events port.
        Assert.Equal("http://+:8081", env["KK_HTTP_URLS"].Value);
        Assert.Equal("1024", env["KK_HTTP_MAX_BODY"].Value);
        foreach (var secret in new[] { "KK_HTTP_TOKEN", "KK_TARGET_TOKEN" })
        {
            Assert.Null(env[secret].Value);
            Assert.Equal((name, secret), (env[secret].ValueFrom.SecretKeyRef.Name, env[secret].ValueFrom.SecretKeyRef.Key));
        }
        var json = _cluster.Get("Deployment", "kk-alice", name)!.ToJsonString();
        Assert.DoesNotContain(HttpToken, json);
        Assert.DoesNotContain(Token, json);
        var stored = _cluster.Get<V1Secret>("Secret", "kk-alice", name)!.Data;
        Assert.Equal(HttpToken, Encoding.UTF8.GetString(stored["KK_HTTP_TOKEN"]));
        Assert.Equal(["KK_HTTP_TOKEN", "KK_TARGET_TOKEN"], stored.Keys.Order(StringComparer.Ordinal));

        var service = _cluster.Get<V1Service>("Service", "kk-alice", name)!;
        Assert.Equal("ClusterIP", service.Spec.Type);
        var port = service.Spec.Ports.Single();
        Assert.Equal((80, "events", "TCP"), (port.Port, port.TargetPort.Value, port.Protocol));
        Assert.Equal(Labels.ConnectorSelector(name), service.Spec.Selector);
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, created.Spec.Template.Metadata.Labels[l.Key]));
        Assert.Equal("orders", service.Metadata.Labels["klusterkluck.io/flow"]);
        await WaitAsync(() => PodNames("kk-alice").Count == 1);
        var status = (await _runtime.ConnectorsAsync("alice", "orders", CancellationToken.None)).Single();
        Assert.Equal($"http://{name}.kk-alice.svc.cluster.local", status.Url);
    }

    [Fact]
    public async Task WithAConnectorIngressDomainAnHttpConnectorIsReachableAtItsUsersHostUnderItsFlowAndNode()
    {
        var runtime = Runtime(new KubernetesRuntimeOptions { ConnectorImage = Image, ConnectorIngressDomain = "hooks.example.test" });
        var deployment = Http("alice", "orders", "web", "r1");
        var name = ConnectorObjects.Name(deployment.Id);

        await runtime.DeployConnectorAsync(deployment, CancellationToken.None);
        await runtime.DeployConnectorAsync(Timer("alice", "orders", "tick", "r1"), CancellationToken.None);

        var ingress = _cluster.Get<V1Ingress>("Ingress", "kk-alice", name)!;
        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        var rule = ingress.Spec.Rules.Single();
        Assert.Equal("alice.hooks.example.test", rule.Host);
        var path = rule.Http.Paths.Single();
        Assert.Equal(("/orders/web", "Prefix"), (path.Path, path.PathType));
        Assert.Equal((name, "http"), (path.Backend.Service.Name, path.Backend.Service.Port.Name));
        Assert.Null(ingress.Spec.Tls);
        // A connector that does not listen has neither.
        var tick = ConnectorObjects.Name(new ConnectorId("alice", "orders", "tick"));
        Assert.DoesNotContain("Service/" + tick, _cluster.Names("kk-alice"));
        Assert.DoesNotContain("Ingress/" + tick, _cluster.Names("kk-alice"));
        var connectors = await runtime.ConnectorsAsync("alice", "orders", CancellationToken.None);
        Assert.Equal([null, "http://alice.hooks.example.test/orders/web"], connectors.Select(c => c.Url));
    }

    [Fact]
    public async Task RemovingAnHttpConnectorDeletesItsIngressServiceDeploymentAndSecret()
    {
        var runtime = Runtime(new KubernetesRuntimeOptions { ConnectorImage = Image, ConnectorIngressDomain = "hooks.example.test" });
        var web = Http("alice", "orders", "web", "r1");
        var other = Http("alice", "orders", "other", "r1");
        await runtime.DeployConnectorAsync(web, CancellationToken.None);
        await runtime.DeployConnectorAsync(other, CancellationToken.None);
        var kept = ConnectorObjects.Name(other.Id);

        await runtime.RemoveConnectorAsync(web.Id, CancellationToken.None);

        Assert.Equal(["Deployment/" + kept, "Ingress/" + kept, "NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota", "Secret/" + kept, "Service/" + kept],
            _cluster.Names("kk-alice").Where(n => !n.StartsWith("Pod/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ANodeRedeployedAsAConnectorThatDoesNotListenLosesItsServiceAndIngress()
    {
        var runtime = Runtime(new KubernetesRuntimeOptions { ConnectorImage = Image, ConnectorIngressDomain = "hooks.example.test" });
        var web = Http("alice", "orders", "web", "r1");
        var name = ConnectorObjects.Name(web.Id);
        await runtime.DeployConnectorAsync(web, CancellationToken.None);

        await runtime.DeployConnectorAsync(Timer("alice", "orders", "web", "r2"), CancellationToken.None);

        Assert.Equal(["Deployment/" + name, "NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota", "Secret/" + name],
            _cluster.Names("kk-alice").Where(n => !n.StartsWith("Pod/", StringComparison.Ordinal)));
        Assert.DoesNotContain(_cluster.Get<V1Deployment>("Deployment", "kk-alice", name)!.Spec.Template.Spec.Containers.Single().Env,
            e => e.Name == "KK_HTTP_URLS");
    }

    [Fact]
    public async Task ARedeployWithAnotherRevisionRollsOutANewPodTemplate()
    {
        var first = Timer("alice", "orders", "tick", "r1");
        var name = ConnectorObjects.Name(first.Id);
        await _runtime.DeployConnectorAsync(first, CancellationToken.None);
        await WaitAsync(() => Revisions("kk-alice").SequenceEqual(["r1"]));
        var before = _cluster.Get("Deployment", "kk-alice", name)!;
        var second = first with
        {
            Environment = new Dictionary<string, string>(first.Environment) { ["KK_TIMER_CRON"] = "0 * * * * ?", ["KK_TARGET_TOKEN"] = "kkflow-rotated" },
            Revision = "r2",
        };

        await _runtime.DeployConnectorAsync(second, CancellationToken.None);

        var after = _cluster.Get<V1Deployment>("Deployment", "kk-alice", name)!;
        Assert.Equal(FakeKubernetes.Generation(before) + 1, after.Metadata.Generation);
        Assert.Equal("r2", after.Spec.Template.Metadata.Annotations["klusterkluck.io/revision"]);
        Assert.Equal("0 * * * * ?", after.Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "KK_TIMER_CRON").Value);
        Assert.Equal("kkflow-rotated", Encoding.UTF8.GetString(_cluster.Get<V1Secret>("Secret", "kk-alice", name)!.Data["KK_TARGET_TOKEN"]));
        await WaitAsync(() => Revisions("kk-alice").SequenceEqual(["r2"]));
    }

    [Fact]
    public async Task ARevisionChangeAloneRollsOutSoARotatedTokenIsRead()
    {
        var first = Timer("alice", "orders", "tick", "r1");
        await _runtime.DeployConnectorAsync(first, CancellationToken.None);
        var before = _cluster.Get("Deployment", "kk-alice", ConnectorObjects.Name(first.Id))!;
        var rotated = new Dictionary<string, string>(first.Environment) { ["KK_TARGET_TOKEN"] = "kkflow-rotated" };

        await _runtime.DeployConnectorAsync(first with { Environment = rotated, Revision = "r2" }, CancellationToken.None);

        var after = _cluster.Get("Deployment", "kk-alice", ConnectorObjects.Name(first.Id))!;
        Assert.Equal(FakeKubernetes.Generation(before) + 1, FakeKubernetes.Generation(after));
        Assert.Equal(before["spec"]!.ToJsonString().Replace("\"r1\"", "\"r2\"", StringComparison.Ordinal), after["spec"]!.ToJsonString());
    }

    [Fact]
    public async Task ARedeployWithTheSameRevisionChangesNothing()
    {
        var deployment = Timer("alice", "orders", "tick", "r1");
        var name = ConnectorObjects.Name(deployment.Id);
        await _runtime.DeployConnectorAsync(deployment, CancellationToken.None);
        await WaitAsync(() => Revisions("kk-alice").Count == 1);
        var before = _cluster.Get("Deployment", "kk-alice", name)!;
        var pods = PodNames("kk-alice");
        // The same revision built again: another dictionary, its entries in another order.
        var again = deployment with { Environment = new Dictionary<string, string>(deployment.Environment.Reverse()) };

        await _runtime.DeployConnectorAsync(again, CancellationToken.None);
        await Task.Delay(_cluster.Kubelet.Delay * 3);

        var after = _cluster.Get("Deployment", "kk-alice", name)!;
        Assert.Equal(FakeKubernetes.Generation(before), FakeKubernetes.Generation(after));
        Assert.Equal(before["spec"]!.ToJsonString(), after["spec"]!.ToJsonString());
        Assert.Equal(pods, PodNames("kk-alice"));
    }

    [Fact]
    public async Task RemovingAConnectorDeletesItsDeploymentAndSecretAndNothingElse()
    {
        var gone = Timer("alice", "orders", "tick", "r1");
        var stays = Timer("alice", "orders", "tock", "r1");
        await _runtime.DeployConnectorAsync(gone, CancellationToken.None);
        await _runtime.DeployConnectorAsync(stays, CancellationToken.None);
        var kept = ConnectorObjects.Name(stays.Id);

        await _runtime.RemoveConnectorAsync(gone.Id, CancellationToken.None);
        await _runtime.RemoveConnectorAsync(gone.Id, CancellationToken.None);

        Assert.Equal(["Deployment/" + kept, "NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota", "Secret/" + kept],
            _cluster.Names("kk-alice").Where(n => !n.StartsWith("Pod/", StringComparison.Ordinal)));
        await WaitAsync(() => PodNames("kk-alice").All(p => p.StartsWith(kept, StringComparison.Ordinal)) && PodNames("kk-alice").Count == 1);
    }

    [Fact]
    public async Task ConnectorsReportsThePodStateOfEachNodeOfTheFlow()
    {
        _cluster.Kubelet.Outcome = d => (string?)d["spec"]!["template"]!["metadata"]!["labels"]!["klusterkluck.io/node"] == "broken"
            ? new PodOutcome("CrashLoopBackOff", "back-off 40s restarting failed container",
                "starting\nerror: connector 'timer' cannot start: KK_TIMER_CRON 'often' is not a Quartz cron expression")
            : PodOutcome.Ready;
        await _runtime.DeployConnectorAsync(Timer("alice", "orders", "tick", "r1"), CancellationToken.None);
        await _runtime.DeployConnectorAsync(Timer("alice", "orders", "broken", "r7"), CancellationToken.None);
        await _runtime.DeployConnectorAsync(Timer("alice", "invoices", "tick", "r1"), CancellationToken.None);
        await WaitAsync(() => PodNames("kk-alice").Count == 3);

        var connectors = await _runtime.ConnectorsAsync("alice", "orders", CancellationToken.None);

        Assert.Equal(["broken", "tick"], connectors.Select(c => c.Node));
        var broken = connectors[0];
        Assert.Equal(("CrashLoopBackOff", 3, "r7"), (broken.State, broken.Restarts, broken.Revision));
        Assert.Equal("error: connector 'timer' cannot start: KK_TIMER_CRON 'often' is not a Quartz cron expression (exit code 1)", broken.Error);
        Assert.StartsWith(ConnectorObjects.Name(new ConnectorId("alice", "orders", "broken")), broken.Pod);
        var tick = connectors[1];
        Assert.Equal(new ConnectorStatus("tick", "r1", "running", 0, null, null, tick.Pod), tick);
        Assert.Contains(tick.Pod, PodNames("kk-alice"));
        Assert.Empty(await _runtime.ConnectorsAsync("alice", "refunds", CancellationToken.None));
        Assert.Empty(await _runtime.ConnectorsAsync("bob", "orders", CancellationToken.None));
    }

    [Fact]
    public async Task ACrashingConnectorShowsItsFailureLineAndItsLogIsTheFailedRunsReadThroughTheApiServer()
    {
        const string failure = "2026-01-01T00:00:00.000Z fail: Klusterkluck.Connectors.Hosting.ConnectorService[12] Connector nats failed (NatsException: can not connect uris: nats://nats.example.test:4222); the host exits so that it is restarted";
        _cluster.Kubelet.Outcome = _ => new PodOutcome("CrashLoopBackOff", "back-off 40s restarting failed container",
            string.Join('\n', Enumerable.Range(1, 300).Select(i => $"line {i}")
                .Append("2026-01-01T00:00:00.000Z error: Dead-lettered payload 0192 after 1 attempt(s): the target refused it: 404 Not Found")
                .Append(failure)
                .Append("2026-01-01T00:00:00.001Z info: Microsoft.Hosting.Lifetime[0] Application is shutting down...")));
        await _runtime.DeployConnectorAsync(Timer("alice", "orders", "queue", "r1"), CancellationToken.None);
        await WaitAsync(() => PodNames("kk-alice").Count == 1);

        var state = (await _runtime.ConnectorsAsync("alice", "orders", CancellationToken.None)).Single();
        var log = await _runtime.ConnectorLogAsync(new ConnectorId("alice", "orders", "queue"), 3, CancellationToken.None);
        var more = await _runtime.ConnectorLogAsync(new ConnectorId("alice", "orders", "queue"), 200, CancellationToken.None);

        Assert.Equal("CrashLoopBackOff", state.State);
        Assert.Equal($"{failure} (exit code 1)", state.Error);
        Assert.Equal([
            "2026-01-01T00:00:00.000Z error: Dead-lettered payload 0192 after 1 attempt(s): the target refused it: 404 Not Found",
            failure,
            "2026-01-01T00:00:00.001Z info: Microsoft.Hosting.Lifetime[0] Application is shutting down...",
        ], log);
        Assert.Equal(200, more!.Count);
        // The crashed run's output, of the connector's container, as the log subresource serves it.
        var read = _cluster.Requests.Last(r => r.Contains("/log", StringComparison.Ordinal));
        Assert.Contains($"/namespaces/kk-alice/pods/{state.Pod}/log?", read);
        Assert.Contains("container=connector", read);
        Assert.Contains("previous=true", read);
        Assert.Contains("tailLines=200", read);
        Assert.Null(await _runtime.ConnectorLogAsync(new ConnectorId("alice", "orders", "other"), 10, CancellationToken.None));
        Assert.Null(await _runtime.ConnectorLogAsync(new ConnectorId("bob", "orders", "queue"), 10, CancellationToken.None));
    }

    [Fact]
    public async Task AnImageThatCannotBePulledIsReportedWithTheKubeletsMessage()
    {
        _cluster.Kubelet.Outcome = _ => new PodOutcome("ImagePullBackOff", $"Back-off pulling image \"{Image}\"");
        await _runtime.DeployConnectorAsync(Timer("alice", "orders", "tick", "r1"), CancellationToken.None);
        await WaitAsync(() => PodNames("kk-alice").Count == 1);

        var connector = (await _runtime.ConnectorsAsync("alice", "orders", CancellationToken.None)).Single();

        Assert.Equal("ImagePullBackOff", connector.State);
        Assert.Equal($"Back-off pulling image \"{Image}\"", connector.Error);
    }

    [Fact]
    public async Task AConnectorWhosePodCannotBeCreatedIsPendingWithTheControllersReason()
    {
        _cluster.Kubelet.Delay = TimeSpan.FromHours(1);
        var deployment = Timer("alice", "orders", "tick", "r1");
        await _runtime.DeployConnectorAsync(deployment, CancellationToken.None);
        var before = (await _runtime.ConnectorsAsync("alice", "orders", CancellationToken.None)).Single();
        Assert.Equal(new ConnectorStatus("tick", "r1", "pending", 0, null, null), before);
        // What the deployment controller writes when the ReplicaSet cannot create its pod.
        var quota = "pods \"x\" is forbidden: exceeded quota: klusterkluck-quota, requested: pods=1, used: pods=50, limited: pods=50";
        var stored = _cluster.Get("Deployment", "kk-alice", ConnectorObjects.Name(deployment.Id))!;
        stored["status"] = new JsonObject
        {
            ["observedGeneration"] = 1,
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "ReplicaFailure", ["status"] = "True", ["reason"] = "FailedCreate", ["message"] = quota }),
        };
        _cluster.Store("Deployment", "kk-alice", stored);

        var connector = (await _runtime.ConnectorsAsync("alice", "orders", CancellationToken.None)).Single();

        Assert.Equal(new ConnectorStatus("tick", "r1", "pending", 0, null, quota), connector);
    }

    [Fact]
    public async Task ApiServerErrorsBecomeADeployException()
    {
        _cluster.Inject("POST", "/namespaces/kk-alice/deployments", 403, "Forbidden");

        var deploy = await Assert.ThrowsAsync<DeployException>(
            () => _runtime.DeployConnectorAsync(Timer("alice", "orders", "tick", "r1"), CancellationToken.None));
        _cluster.Inject("DELETE", "/namespaces/kk-alice/deployments", 500, "InternalError");
        var remove = await Assert.ThrowsAsync<DeployException>(
            () => _runtime.RemoveConnectorAsync(new ConnectorId("alice", "orders", "tick"), CancellationToken.None));

        Assert.Contains("403", deploy.Message);
        Assert.Contains("injected: Forbidden", deploy.Message);
        Assert.Contains("500", remove.Message);
    }

    [Fact]
    public async Task APodStartedFromTheGeneratedTemplateRunsTheHostWhichPostsWithTheSecretsToken()
    {
        var authorizations = new ConcurrentQueue<string>();
        await using var target = await LoopbackServer.StartAsync(app => app.MapPost("/events", (HttpRequest request) =>
        {
            authorizations.Enqueue(request.Headers.Authorization.ToString());
            return Results.Accepted();
        }));
        var deployment = Timer("alice", "orders", "tick", "r1");
        var environment = new Dictionary<string, string>(deployment.Environment) { ["KK_TARGET_URL"] = $"{target.BaseUrl}/events" };
        deployment = deployment with { Environment = environment };
        await _runtime.DeployConnectorAsync(deployment, CancellationToken.None);
        var template = _cluster.Get<V1Deployment>("Deployment", "kk-alice", ConnectorObjects.Name(deployment.Id))!.Spec.Template.Spec.Containers.Single();

        await using var pod = ServiceProcess.Start(ApiProcess.ConnectorHostAssembly, PodEnvironment(template, "kk-alice"));
        await pod.WaitReadyAsync(template.ReadinessProbe.HttpGet.Path);
        await pod.WaitReadyAsync(template.LivenessProbe.HttpGet.Path);
        await pod.WaitReadyAsync(template.StartupProbe.HttpGet.Path);
        await WaitAsync(() => !authorizations.IsEmpty);

        Assert.Equal($"Bearer {Token}", authorizations.First());
    }

    /// <summary>The container's environment as the kubelet sets it, but the pod's port: ServiceProcess sets it here.</summary>
    private Dictionary<string, string> PodEnvironment(V1Container container, string ns)
    {
        var environment = _cluster.EnvironmentOf(container, ns);
        environment.Remove("ASPNETCORE_URLS");
        return environment;
    }

    private static ConnectorDeployment Timer(string user, string flow, string node, string revision) => new(
        new ConnectorId(user, flow, node), "timer", new Dictionary<string, string>
        {
            ["KK_TARGET_URL"] = $"http://api.example.test/api/v1/flows/{flow}/events",
            ["KK_TARGET_TOKEN"] = Token,
            ["KK_TIMER_CRON"] = "* * * * * ?",
        }, revision);

    /// <summary>An http connector as a flow deploys it: where it listens left to the runtime, its token marked secret by the plugin.</summary>
    private static ConnectorDeployment Http(string user, string flow, string node, string revision) => new(
        new ConnectorId(user, flow, node), "http", new Dictionary<string, string>
        {
            ["KK_TARGET_URL"] = $"http://api.example.test/api/v1/flows/{flow}/events",
            ["KK_TARGET_TOKEN"] = Token,
            ["KK_HTTP_TOKEN"] = HttpToken,
            ["KK_HTTP_MAX_BODY"] = "1024",
        }, revision)
    {
        Listen = "KK_HTTP_URLS",
        Secrets = new HashSet<string> { "KK_HTTP_TOKEN" },
    };

    private List<string> PodNames(string ns) => [.. _cluster.List("Pod", ns).Select(p => (string)p["metadata"]!["name"]!).Order(StringComparer.Ordinal)];

    private List<string> Revisions(string ns) =>
        [.. _cluster.List("Pod", ns).Select(p => (string?)p["metadata"]!["annotations"]?["klusterkluck.io/revision"] ?? "").Order(StringComparer.Ordinal)];

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
        _data.Dispose();
    }
}
