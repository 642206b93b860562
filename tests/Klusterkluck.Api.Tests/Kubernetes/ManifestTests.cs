using k8s;
using k8s.Models;
using Klusterkluck.Api.Builds;
using Klusterkluck.Api.Identity;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Runtime.Kubernetes;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>
/// deploy/ renders offline and every object in it is valid for its API version; the objects the
/// runtime generates are valid too, and match the committed snapshots
/// (<c>KK_UPDATE_SNAPSHOTS=1</c> rewrites them after an intended change).
/// </summary>
public sealed class ManifestTests
{
    private const string Commit = "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a";

    private static readonly string s_snapshots = Path.Combine(KubernetesSchema.RepositoryRoot, "tests", "Klusterkluck.Api.Tests", "Kubernetes", "Snapshots");

    public static TheoryData<string> Snapshots =>
        ["tenant", "nodejs-private", "exec-autoscaled", "static-public", "nodejs-build", "connector-timer", "connector-http"];

    [Fact]
    public async Task ThePlatformManifestsRenderOfflineAndAreValid()
    {
        var (exitCode, yaml) = KubernetesSchema.Run("kubectl", "kustomize", "deploy/");

        Assert.True(exitCode == 0, yaml);
        Assert.Empty(await KubernetesSchema.ProblemsAsync(yaml));
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        var kinds = objects.Cast<IKubernetesObject>().Select(o => o.Kind).ToHashSet();
        Assert.Superset(new HashSet<string> { "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "StatefulSet", "Service", "Ingress", "Deployment", "ConfigMap", "Secret" }, kinds);
        var api = objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "api");
        Assert.Equal("api", api.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal("data", api.Spec.VolumeClaimTemplates.Single().Metadata.Name);
        var realm = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("keycloak-import", StringComparison.Ordinal));
        Assert.Contains("\"realm\": \"klusterkluck\"", realm.Data["klusterkluck-realm.json"]);
        // Secrets are only ever placeholders, each parameter in one place, and every reference to one resolves.
        var parameters = objects.OfType<V1Secret>().Single(s => s.Metadata.Name.StartsWith("parameters", StringComparison.Ordinal));
        Assert.All(parameters.Data, p => Assert.StartsWith("change-me-", System.Text.Encoding.UTF8.GetString(p.Value), StringComparison.Ordinal));
        var references = objects.OfType<V1StatefulSet>().Select(s => s.Spec.Template.Spec).Concat(objects.OfType<V1Deployment>().Select(d => d.Spec.Template.Spec))
            .SelectMany(p => p.Containers).SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>().ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(r.Name == parameters.Metadata.Name && parameters.Data.ContainsKey(r.Key), $"{r.Name}/{r.Key} does not resolve"));
    }

    [Fact]
    public async Task TheApisRoleGrantsWhatTheRuntimeUsesAndNoMore()
    {
        var (_, yaml) = KubernetesSchema.Run("kubectl", "kustomize", "deploy/");
        var role = KubernetesYaml.LoadAllFromString(yaml).OfType<V1ClusterRole>().Single();
        var granted = role.Rules.SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{g}/{res}:{v}")))).ToHashSet();

        string[] used =
        [
            "/namespaces:get", "/namespaces:create", "/namespaces:update",
            "/secrets:get", "/secrets:create", "/secrets:update", "/secrets:delete",
            "/services:get", "/services:create", "/services:update", "/services:delete",
            "/resourcequotas:get", "/resourcequotas:create", "/resourcequotas:update",
            "/pods:list", "/pods/log:get",
            "apps/deployments:get", "apps/deployments:list", "apps/deployments:create", "apps/deployments:update", "apps/deployments:delete",
            "apps/deployments/scale:get", "apps/deployments/scale:update",
            "networking.k8s.io/ingresses:get", "networking.k8s.io/ingresses:create", "networking.k8s.io/ingresses:update", "networking.k8s.io/ingresses:delete",
            "networking.k8s.io/networkpolicies:get", "networking.k8s.io/networkpolicies:create", "networking.k8s.io/networkpolicies:update",
            "autoscaling/horizontalpodautoscalers:get", "autoscaling/horizontalpodautoscalers:create",
            "autoscaling/horizontalpodautoscalers:update", "autoscaling/horizontalpodautoscalers:delete",
            "batch/jobs:get", "batch/jobs:list", "batch/jobs:create", "batch/jobs:delete",
        ];
        Assert.Superset(used.ToHashSet(), granted);
        Assert.DoesNotContain(granted, g => g.EndsWith(":*", StringComparison.Ordinal) || g.StartsWith("*", StringComparison.Ordinal));
        Assert.DoesNotContain(granted, g => g.StartsWith("rbac.authorization.k8s.io", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Snapshots))]
    public async Task GeneratedObjectsMatchTheirSnapshotAndAreValid(string snapshot)
    {
        var yaml = KubernetesYaml.SerializeAll(Generate(snapshot));
        var path = Path.Combine(s_snapshots, $"{snapshot}.yaml");
        if (Environment.GetEnvironmentVariable("KK_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(s_snapshots);
            await File.WriteAllTextAsync(path, yaml);
        }

        Assert.True(File.Exists(path), $"no snapshot {path}; run the tests with KK_UPDATE_SNAPSHOTS=1 to write it");
        Assert.Equal(await File.ReadAllTextAsync(path), yaml);
        Assert.Empty(await KubernetesSchema.ProblemsAsync(yaml));
    }

    [Fact]
    public async Task TheValidatorRejectsWrongTypesAndUnknownFields()
    {
        var deployment = FunctionObjects.Deployment(new KubernetesRuntimeOptions(), new FunctionDeployment(new FunctionId("alice", "hello"), Commit, false, 1), null, 1);
        var yaml = KubernetesYaml.Serialize(deployment);

        var wrongType = await KubernetesSchema.ProblemsAsync(yaml.Replace("replicas: 1", "replicas: one", StringComparison.Ordinal));
        var unknownField = await KubernetesSchema.ProblemsAsync(yaml.Replace("readinessProbe:", "readinesProbe:", StringComparison.Ordinal));

        Assert.Contains(wrongType, p => p.Contains("replicas", StringComparison.Ordinal));
        Assert.Contains(unknownField, p => p.Contains("readinesProbe", StringComparison.Ordinal));
    }

    private static IEnumerable<object> Generate(string snapshot)
    {
        var options = new KubernetesRuntimeOptions();
        var issuer = new TokenIssuer("http://keycloak.klusterkluck.svc.cluster.local:8080/realms/klusterkluck", "klusterkluck");
        if (snapshot == "tenant")
        {
            return [TenantObjects.NamespaceObject(options, "alice"), TenantObjects.NetworkPolicy(options, "alice"), TenantObjects.ResourceQuota(options, "alice")];
        }
        if (snapshot == "connector-timer")
        {
            var connector = new ConnectorDeployment(new ConnectorId("alice", "orders", "every-minute"), "timer", new Dictionary<string, string>
            {
                ["KK_TARGET_URL"] = "http://api.klusterkluck.svc.cluster.local:8080/api/v1/flows/orders/events",
                ["KK_TARGET_TOKEN"] = "kkflow-snapshot",
                ["KK_TIMER_CRON"] = "0 * * * * ?",
                ["KK_TIMER_PAYLOAD"] = "{\"tick\":true}",
            }, "r-5d41402abc4b");
            return [ConnectorObjects.Secret(options, connector), ConnectorObjects.Deployment(options, connector)];
        }
        if (snapshot == "connector-http")
        {
            var ingress = new KubernetesRuntimeOptions { ConnectorIngressDomain = "hooks.klusterkluck.local", ConnectorIngressTlsSecret = "hooks-tls" };
            var connector = new ConnectorDeployment(new ConnectorId("alice", "orders", "web"), "http", new Dictionary<string, string>
            {
                ["KK_TARGET_URL"] = "http://api.klusterkluck.svc.cluster.local:8080/api/v1/flows/orders/events",
                ["KK_TARGET_TOKEN"] = "kkflow-snapshot",
                ["KK_HTTP_TOKEN"] = "callers-snapshot",
                ["KK_HTTP_MAX_BODY"] = "65536",
            }, "r-7d793037a076")
            {
                Listen = "KK_HTTP_URLS",
                Secrets = new HashSet<string> { "KK_HTTP_TOKEN" },
            };
            return [ConnectorObjects.Secret(ingress, connector), ConnectorObjects.Deployment(ingress, connector), ConnectorObjects.Service(ingress, connector),
                ConnectorObjects.Ingress(ingress, connector)];
        }
        if (snapshot == "nodejs-build")
        {
            // A commit with dependencies: its build Job, then workers that fetch the artifact instead of the commit.
            var built = new FunctionDeployment(new FunctionId("alice", "padded"), Commit, false, 1) { Artifact = "/data/builds/alice/padded/artifact.tar.gz" };
            return [FunctionObjects.Secret(options, built.Id, "kkread-snapshot", "kkbuild-snapshot"), BuildObjects.Job(options, new BuildOptions(), built.Id, Commit),
                FunctionObjects.Deployment(options, built, issuer, built.Replicas)];
        }
        var deployment = snapshot switch
        {
            "nodejs-private" => new FunctionDeployment(new FunctionId("alice", "hello"), Commit, false, 1),
            "exec-autoscaled" => new FunctionDeployment(new FunctionId("alice", "resize"), Commit, false, 2, 5),
            _ => new FunctionDeployment(new FunctionId("alice", "site"), Commit, true, 1),
        };
        var id = deployment.Id;
        List<object> objects =
        [
            FunctionObjects.Secret(options, id, "kkread-snapshot", "kkbuild-snapshot"),
            FunctionObjects.Deployment(options, deployment, deployment.Public ? null : issuer, deployment.Replicas),
            FunctionObjects.Service(options, id),
            FunctionObjects.Ingress(options, id),
        ];
        if (FunctionObjects.Autoscales(deployment))
        {
            objects.Add(FunctionObjects.Autoscaler(options, deployment));
        }
        return objects;
    }
}
