namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>The Api with <c>Runtime:Provider = Kubernetes</c>, pointed at a <see cref="FakeKubernetes"/> by a kubeconfig, shared by a test class.</summary>
public sealed class KubernetesFixture : IAsyncLifetime
{
    public const string Domain = "fn.example.test";

    private readonly TempFolder _data = new();

    public FakeKubernetes Cluster { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await FakeKubernetes.StartAsync();
        Api = await StartApiAsync(Cluster, _data.Path);
    }

    /// <summary>An Api on the Kubernetes runtime; <paramref name="extra"/> overrides or adds settings.</summary>
    public static Task<ApiProcess> StartApiAsync(FakeKubernetes cluster, string dataFolder, IReadOnlyDictionary<string, string>? extra = null,
        int? port = null)
    {
        var apiPort = port ?? ServiceProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Runtime__Provider"] = "Kubernetes",
            ["KUBECONFIG"] = cluster.WriteKubeconfig(dataFolder),
            ["Runtime__Kubernetes__ApiUrl"] = $"http://127.0.0.1:{apiPort}",
            ["Runtime__Kubernetes__Domain"] = Domain,
            ["Runtime__Kubernetes__WorkerImage"] = "registry.example.test/klusterkluck/worker:1.0",
            ["Runtime__Kubernetes__PollInterval"] = "00:00:00.100",
            ["Runtime__Kubernetes__RolloutTimeout"] = "00:00:30",
            ["Runtime__Kubernetes__Quota__pods"] = "7",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return ApiProcess.StartAsync(dataFolder, environment, apiPort);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Cluster.DisposeAsync();
        _data.Dispose();
    }
}
