using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s.Models;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>
/// A kubelet's job done by hand: the real worker started with exactly the environment of the pod
/// template the runtime generated (its git token read from the Secret, as secretKeyRef does), and
/// the gateway pointed at it as it would be at the function's Service.
/// </summary>
public sealed class KubernetesPodTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private readonly TempFolder _work = new();
    private readonly int _podPort = ServiceProcess.FreePort();
    private FakeKubernetes _cluster = null!;
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        _cluster = await FakeKubernetes.StartAsync();
        _api = await KubernetesFixture.StartApiAsync(_cluster, _data.Path, new Dictionary<string, string>
        {
            // The function's Service, here: the port the hand-started pod listens on.
            ["Runtime__Kubernetes__ServiceAddress"] = $"http://127.0.0.1:{_podPort}",
        });
    }

    [Fact]
    public async Task APodStartedFromTheGeneratedTemplateFetchesItsCommitAndServesThroughTheGatewayAndItsIngressPath()
    {
        using var user = await UserSession.StartAsync(_api, "pod");
        await user.CreateFunctionAsync("hello", "nodejs");
        var commit = (await user.WaitReadyAsync("hello")).GetProperty("deployedCommit").GetString()!;
        var ns = $"kk-{user.Username}";
        var environment = PodEnvironment(_cluster.Get<V1Deployment>("Deployment", ns, "hello")!, ns);
        environment["KK_WORK_DIR"] = _work.Path;
        await using var pod = ServiceProcess.Start(ApiProcess.WorkerAssembly, environment, _podPort);
        await pod.WaitReadyAsync("/healthz");

        Assert.Equal("Hello, pod!\n", await user.CallTextAsync("hello", "?name=pod"));
        using var anonymous = await _api.Client.GetAsync($"/fn/{user.Username}/hello/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // What the Ingress sends: {user}.{domain}/hello/… arrives with its path unchanged.
        using var direct = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_podPort}/hello/?name=ingress");
        direct.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        using var viaIngress = await pod.Client.SendAsync(direct);
        Assert.Equal("Hello, ingress!\n", await viaIngress.Content.ReadAsStringAsync());
        Assert.Contains(commit, pod.Output);
    }

    [Fact]
    public async Task TheGitTokenInTheSecretReadsItsRepositoryAndNothingElse()
    {
        using var user = await UserSession.StartAsync(_api, "token");
        await user.CreateFunctionAsync("hello", "exec");
        await user.CreateFunctionAsync("other", "exec");
        await user.WaitReadyAsync("hello");
        var ns = $"kk-{user.Username}";
        var token = Encoding.UTF8.GetString(_cluster.Get<V1Secret>("Secret", ns, "hello-git")!.Data["token"]);
        using var folder = new TempFolder();
        string Url(string function) => $"http://{user.Username}:{token}@127.0.0.1:{_api.Port}/git/{user.Username}/{function}.git";

        GitCli.Run(folder.Path, "clone", "-q", Url("hello"), "hello");
        File.WriteAllText(Path.Combine(folder.Path, "hello", "more.txt"), "more");
        GitCli.CommitAll(Path.Combine(folder.Path, "hello"), "More");
        var push = GitCli.TryRun(Path.Combine(folder.Path, "hello"), "push", "-q", "origin", "main");
        var other = GitCli.TryRun(folder.Path, "clone", "-q", Url("other"), "other");

        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("403", push.Error);
        Assert.NotEqual(0, other.ExitCode);
    }

    /// <summary>The worker container's environment as the kubelet sets it, but the pod's port: ServiceProcess sets it here.</summary>
    private Dictionary<string, string> PodEnvironment(V1Deployment deployment, string ns)
    {
        var environment = _cluster.EnvironmentOf(deployment.Spec.Template.Spec.Containers.Single(), ns);
        environment.Remove("ASPNETCORE_URLS");
        return environment;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _cluster.DisposeAsync();
        _data.Dispose();
        _work.Dispose();
    }
}
