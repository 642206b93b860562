using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Klusterkluck.Api.Builds;
using Klusterkluck.Api.Runtime;
using Klusterkluck.Api.Runtime.Kubernetes;
using Klusterkluck.Api.Tests.Builds;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>
/// Builds on the Kubernetes runtime with the kubelet's part done by hand: the Job the runtime
/// creates is run by starting the real builder with exactly the environment of the Job's container
/// (its tokens read from the function's Secret, as secretKeyRef does, its emptyDirs temporary
/// folders here), which fetches the commit from the Api and uploads the artifact back; the test then
/// reports the pod's output and end as the kubelet and the job controller would. A worker started
/// from the Deployment's pod template then fetches the artifact and serves through the gateway.
/// </summary>
public sealed class KubernetesBuildTests : IAsyncLifetime
{
    private const string BuilderImage = "registry.example.test/klusterkluck/builder:1.0";

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
            ["Runtime__Kubernetes__BuilderImage"] = BuilderImage,
            ["Builds__Timeout"] = "00:03:00",
            ["Builds__MaxArtifactMiB"] = "1",
        });
    }

    [Fact]
    public async Task ANodeFunctionIsBuiltByAJobThatUploadsItsArtifactAndItsPodsServeIt()
    {
        using var user = await UserSession.StartAsync(_api, "kbuild");
        await user.CreateFunctionAsync("padded", "nodejs");
        await user.WaitReadyAsync("padded");
        var ns = $"kk-{user.Username}";
        using var clone = Clone.Of(user, "padded");
        var sha = clone.Write("package.json", NodeBuildTests.PackageJson).Write("package-lock.json", NodeBuildTests.PackageLock)
            .Write("index.js", NodeBuildTests.PaddingHandler).CommitAndPush("left-pad");
        await user.DeployAsync("padded", sha);

        var job = await _cluster.Jobs.WaitRunningAsync(ns, "padded-build-");
        var name = Name(job);
        Assert.Equal($"padded-build-{sha[..10]}", name);
        // While the Job runs, the upload takes neither a wrong token nor the read token, nor too large an artifact.
        var secret = _cluster.Get<V1Secret>("Secret", ns, "padded-git")!;
        var readToken = Encoding.UTF8.GetString(secret.Data["token"]);
        var uploadToken = Encoding.UTF8.GetString(secret.Data["build-token"]);
        using (var wrong = await UploadAsync(user, "padded", sha, "kkbuild-0123456789abcdef", new byte[16]))
        {
            await wrong.AssertProblemAsync(401);
        }
        using (var read = await UploadAsync(user, "padded", sha, readToken, new byte[16]))
        {
            await read.AssertProblemAsync(401);
        }
        using (var large = await UploadAsync(user, "padded", sha, uploadToken, new byte[1024 * 1024 + 1]))
        {
            Assert.Contains("Builds:MaxArtifactMiB", (await large.AssertProblemAsync(413)).GetProperty("detail").GetString());
        }

        var (exitCode, output) = await RunBuilderAsync(_cluster.Get<V1Job>("Job", ns, name)!, ns);
        Assert.True(exitCode == 0, output);
        _cluster.Jobs.Print(ns, name, output);
        // The pod's output reaches the build's log while the Job still runs.
        await WaitAsync(async () => (await user.BuildOfAsync("padded", sha)).GetProperty("log").GetString()!.Contains("$ npm ci", StringComparison.Ordinal));
        Assert.Equal("building", (await user.BuildOfAsync("padded", sha)).GetProperty("state").GetString());
        _cluster.Jobs.Succeed(ns, name, "");

        var function = await user.WaitDeployedAsync("padded");
        Assert.True(function.Status() == "ready", function.ToString());
        var build = await user.BuildOfAsync("padded", sha);
        Assert.Equal("succeeded", build.GetProperty("state").GetString());
        Assert.Single(build.GetProperty("log").GetString()!.Split('\n'), l => l.StartsWith("$ npm ci", StringComparison.Ordinal));
        var environment = _cluster.EnvironmentOf(_cluster.Get<V1Deployment>("Deployment", ns, "padded")!.Spec.Template.Spec.Containers.Single(), ns);
        Assert.Equal($"{_api.BaseUrl}/builds/{user.Username}/padded/{sha}", environment["KK_ARTIFACT_URL"]);
        environment["KK_WORK_DIR"] = Directory.CreateDirectory(Path.Combine(_work.Path, "pod")).FullName;
        environment.Remove("ASPNETCORE_URLS");
        await using var pod = ServiceProcess.Start(ApiProcess.WorkerAssembly, environment, _podPort);
        await pod.WaitReadyAsync("/healthz");
        Assert.Equal("00042\n", await user.CallTextAsync("padded", "?n=42"));
        // No checkout: the pod has only what it fetched from the Api.
        Assert.False(Directory.Exists(Path.Combine(environment["KK_WORK_DIR"], ".git")), pod.Output);

        // The artifact is the function's, for its read token only; once built, no upload replaces it.
        await user.CreateFunctionAsync("other", "exec");
        await user.WaitReadyAsync("other");
        var otherToken = Encoding.UTF8.GetString(_cluster.Get<V1Secret>("Secret", ns, "other-git")!.Data["token"]);
        using (var anonymous = await DownloadAsync(user, "padded", sha, null))
        {
            await anonymous.AssertProblemAsync(401);
        }
        using (var other = await DownloadAsync(user, "padded", sha, otherToken))
        {
            await other.AssertProblemAsync(401);
        }
        using (var own = await DownloadAsync(user, "padded", sha, readToken))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("application/gzip", own.Content.Headers.ContentType?.MediaType);
        }
        using (var late = await UploadAsync(user, "padded", sha, uploadToken, new byte[16]))
        {
            await late.AssertProblemAsync(409);
        }
    }

    [Fact]
    public async Task TheJobIsALockedDownPodInTheUsersNamespaceAndAFailedBuildOrRolloutLeavesThePreviousRevision()
    {
        using var user = await UserSession.StartAsync(_api, "kfail");
        await user.CreateFunctionAsync("hello", "nodejs");
        var good = (await user.WaitReadyAsync("hello")).GetProperty("deployedCommit").GetString()!;
        var ns = $"kk-{user.Username}";
        using var clone = Clone.Of(user, "hello");
        var unlocked = clone.Write("package.json", NodeBuildTests.PackageJson).CommitAndPush("No lock file");
        // A Job of the same name left by an earlier attempt, still running: the build replaces it, its pod included.
        var leftover = await PlantJobAsync(new FunctionId(user.Username, "hello"), unlocked);
        var leftoverPod = Name(_cluster.Jobs.PodOf(ns, Name(leftover))!);

        await user.DeployAsync("hello", unlocked);

        var running = await _cluster.Jobs.WaitRunningAsync(ns, "hello-build-", j => Uid(j) != Uid(leftover));
        var name = Name(running);
        await WaitAsync(() => Task.FromResult(_cluster.Get("Pod", ns, leftoverPod) is null));
        var job = _cluster.Get<V1Job>("Job", ns, name)!;
        Assert.Equal(ns, job.Metadata.NamespaceProperty);
        Assert.Equal("hello", job.Metadata.Labels["klusterkluck.io/build"]);
        Assert.Equal(unlocked, job.Metadata.Labels["klusterkluck.io/commit"]);
        Assert.Equal(0, job.Spec.BackoffLimit);
        Assert.Equal(180, job.Spec.ActiveDeadlineSeconds);
        Assert.Equal(3600, job.Spec.TtlSecondsAfterFinished);
        // Not a replica of the function: its Service and rollout select on klusterkluck.io/function.
        Assert.False(job.Spec.Template.Metadata.Labels.ContainsKey("klusterkluck.io/function"));
        var spec = job.Spec.Template.Spec;
        Assert.False(spec.AutomountServiceAccountToken);
        Assert.False(spec.EnableServiceLinks);
        Assert.Equal("Never", spec.RestartPolicy);
        Assert.True(spec.SecurityContext.RunAsNonRoot);
        Assert.Equal(10001, spec.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", spec.SecurityContext.SeccompProfile.Type);
        var container = spec.Containers.Single();
        Assert.Equal(BuilderImage, container.Image);
        Assert.Equal(["dotnet", "/app/Klusterkluck.Worker.dll", "build"], container.Command);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal("1Gi", container.Resources.Requests["memory"].ToString());
        Assert.Equal("2Gi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("2", container.Resources.Limits["cpu"].ToString());
        Assert.Equal(["/cache", "/tmp", "/work"], container.VolumeMounts.Select(m => m.MountPath).Order(StringComparer.Ordinal));
        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal(("hello-git", "token"), (env["KK_GIT_TOKEN"].ValueFrom.SecretKeyRef.Name, env["KK_GIT_TOKEN"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal(("hello-git", "build-token"),
            (env["KK_BUILD_UPLOAD_TOKEN"].ValueFrom.SecretKeyRef.Name, env["KK_BUILD_UPLOAD_TOKEN"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal($"{_api.BaseUrl}/builds/{user.Username}/hello/{unlocked}", env["KK_BUILD_UPLOAD_URL"].Value);
        Assert.Equal("180", env["KK_BUILD_TIMEOUT"].Value);
        var tokens = _cluster.Get<V1Secret>("Secret", ns, "hello-git")!.Data.Values.Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(2, tokens.Count);
        Assert.All(tokens, t => Assert.DoesNotContain(t, _cluster.Get("Job", ns, name)!.ToJsonString(), StringComparison.Ordinal));
        Assert.Empty(await KubernetesSchema.ProblemsAsync(KubernetesYaml.Serialize(job)));

        var (exitCode, output) = await RunBuilderAsync(job, ns);
        Assert.Equal(1, exitCode);
        _cluster.Jobs.Fail(ns, name, output);
        var function = await user.WaitDeployedAsync("hello");

        Assert.Equal("failed", function.Status());
        Assert.StartsWith("the build failed: package.json has no lock file", function.Error());
        Assert.Equal(good, function.GetProperty("deployedCommit").GetString());
        var deployment = _cluster.Get<V1Deployment>("Deployment", ns, "hello")!;
        var workerEnv = deployment.Spec.Template.Spec.Containers.Single().Env;
        Assert.Equal(good, workerEnv.Single(e => e.Name == "KK_GIT_COMMIT").Value);
        Assert.DoesNotContain(workerEnv, e => e.Name == "KK_ARTIFACT_URL");
        var build = await user.BuildOfAsync("hello", unlocked);
        Assert.Equal("failed", build.GetProperty("state").GetString());
        Assert.Contains("Job " + ns + "/" + name, build.GetProperty("log").GetString());

        // A build that succeeds but whose pods crash is undone: back to the commit served from git, not from a build.
        var crashing = clone.Write("package-lock.json", NodeBuildTests.PackageLock).Write("index.js", "require('no-such-module');\n")
            .CommitAndPush("Crashes");
        _cluster.Kubelet.Outcome = d => d.ToJsonString().Contains(crashing, StringComparison.Ordinal)
            ? new PodOutcome("CrashLoopBackOff", "back-off 10s restarting failed container", "klusterkluck-worker: Cannot find module 'no-such-module'")
            : PodOutcome.Ready;
        try
        {
            await user.DeployAsync("hello", crashing);
            var crashingJob = Name(await _cluster.Jobs.WaitRunningAsync(ns, $"hello-build-{crashing[..10]}"));
            var (crashingExit, crashingOutput) = await RunBuilderAsync(_cluster.Get<V1Job>("Job", ns, crashingJob)!, ns);
            Assert.True(crashingExit == 0, crashingOutput);
            _cluster.Jobs.Succeed(ns, crashingJob, crashingOutput);
            var undone = await user.WaitDeployedAsync("hello");

            Assert.Equal("failed", undone.Status());
            Assert.Contains("no-such-module", undone.Error());
            Assert.Equal(good, undone.GetProperty("deployedCommit").GetString());
            var restored = _cluster.Get<V1Deployment>("Deployment", ns, "hello")!.Spec.Template.Spec.Containers.Single().Env;
            Assert.Equal(good, restored.Single(e => e.Name == "KK_GIT_COMMIT").Value);
            Assert.DoesNotContain(restored, e => e.Name == "KK_ARTIFACT_URL");
        }
        finally
        {
            _cluster.Kubelet.Outcome = _ => PodOutcome.Ready;
        }
    }

    [Fact]
    public async Task ABuilderImageThatCannotBePulledFailsTheBuildAtOnceAndItsJobGoes()
    {
        using var user = await UserSession.StartAsync(_api, "kpull");
        var (sha, _) = await WithDependenciesAsync(user, "hello", "Deps");
        var ns = $"kk-{user.Username}";
        await user.DeployAsync("hello", sha);
        var name = Name(await _cluster.Jobs.WaitRunningAsync(ns, "hello-build-"));

        _cluster.Jobs.Stall(ns, name, "ImagePullBackOff", $"Back-off pulling image \"{BuilderImage}\"");
        var function = await user.WaitDeployedAsync("hello", TimeSpan.FromSeconds(20));

        Assert.Equal("failed", function.Status());
        Assert.StartsWith("the build failed: the build's pod cannot start: ImagePullBackOff", function.Error());
        Assert.Contains(BuilderImage, function.Error());
        await WaitAsync(() => Task.FromResult(_cluster.Get("Job", ns, name) is null && _cluster.Jobs.PodOf(ns, name) is null));
    }

    [Fact]
    public async Task ABuildPastItsDeadlineFailsTheDeployAndThePreviousRevisionStays()
    {
        // An Api of its own: a deadline of 2 s would cut the other tests' builds short.
        using var data = new TempFolder();
        await using var api = await KubernetesFixture.StartApiAsync(_cluster, data.Path, new Dictionary<string, string> { ["Builds__Timeout"] = "00:00:02" });
        using var user = await UserSession.StartAsync(api, "kslow");
        var (sha, good) = await WithDependenciesAsync(user, "slow", "Slow");
        var ns = $"kk-{user.Username}";

        // Nobody runs the pod: the job controller stops it at activeDeadlineSeconds.
        await user.DeployAsync("slow", sha);
        var function = await user.WaitDeployedAsync("slow");

        Assert.Equal("failed", function.Status());
        Assert.StartsWith("the build failed: the build did not finish within 2 s", function.Error());
        Assert.Equal(good, function.GetProperty("deployedCommit").GetString());
        Assert.DoesNotContain(_cluster.List("Pod", ns), p => (string?)p["metadata"]!["labels"]!["klusterkluck.io/build"] == "slow");
    }

    [Fact]
    public async Task DeletingAFunctionWhileItBuildsDeletesItsJobAndPod()
    {
        using var user = await UserSession.StartAsync(_api, "kgone");
        var (sha, _) = await WithDependenciesAsync(user, "gone", "Deps");
        var ns = $"kk-{user.Username}";
        await user.DeployAsync("gone", sha);
        var name = Name(await _cluster.Jobs.WaitRunningAsync(ns, "gone-build-"));
        var pod = Name(_cluster.Jobs.PodOf(ns, name)!);

        await user.DeleteAsync("gone");

        await WaitAsync(() => Task.FromResult(_cluster.Get("Job", ns, name) is null && _cluster.Get("Pod", ns, pod) is null));
        Assert.Equal(["NetworkPolicy/klusterkluck-tenant", "ResourceQuota/klusterkluck-quota"], _cluster.Names(ns));
    }

    /// <summary>The kubelet's part: the builder run with the container's environment; its exit code and output (stdout, then stderr with its verdict).</summary>
    /// <summary>A nodejs function from its template, ready; then a pushed commit with package.json and its lock file (not deployed).</summary>
    private static async Task<(string Sha, string Serving)> WithDependenciesAsync(UserSession user, string function, string message)
    {
        await user.CreateFunctionAsync(function, "nodejs");
        var serving = (await user.WaitReadyAsync(function)).GetProperty("deployedCommit").GetString()!;
        using var clone = Clone.Of(user, function);
        return (clone.Write("package.json", NodeBuildTests.PackageJson).Write("package-lock.json", NodeBuildTests.PackageLock).CommitAndPush(message), serving);
    }

    private async Task<(int ExitCode, string Output)> RunBuilderAsync(V1Job job, string ns)
    {
        var environment = _cluster.EnvironmentOf(job.Spec.Template.Spec.Containers.Single(), ns);
        var emptyDirs = Directory.CreateDirectory(Path.Combine(_work.Path, $"job-{Guid.NewGuid():N}")).FullName;
        environment["KK_WORK_DIR"] = Directory.CreateDirectory(Path.Combine(emptyDirs, "work")).FullName;
        environment["KK_BUILD_CACHE"] = Directory.CreateDirectory(Path.Combine(emptyDirs, "cache")).FullName;
        var (exitCode, output, error) = await Task.Run(() =>
            CommandLine.Run("dotnet", emptyDirs, environment, TimeSpan.FromMinutes(3), ApiProcess.WorkerAssembly, "build"));
        return (exitCode, output + error);
    }


    /// <summary>A build Job created as the Api creates it, through the real client, running its pod.</summary>
    private async Task<JsonObject> PlantJobAsync(FunctionId id, string commit)
    {
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.WriteKubeconfig(_work.Path)));
        var options = new KubernetesRuntimeOptions { ApiUrl = _api.BaseUrl };
        await client.BatchV1.CreateNamespacedJobAsync(BuildObjects.Job(options, new BuildOptions(), id, commit), TenantObjects.Namespace(options, id.User));
        return await _cluster.Jobs.WaitRunningAsync(TenantObjects.Namespace(options, id.User), BuildObjects.JobName(id, commit));
    }

    private async Task<HttpResponseMessage> UploadAsync(UserSession user, string function, string sha, string token, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/builds/{user.Username}/{function}/{sha}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // A refusal comes before the body is sent, as a builder that asks first would get it.
        request.Headers.ExpectContinue = true;
        return await _api.Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> DownloadAsync(UserSession user, string function, string sha, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/builds/{user.Username}/{function}/{sha}");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _api.Client.SendAsync(request);
    }

    private static string Name(JsonObject value) => (string)value["metadata"]!["name"]!;

    private static string Uid(JsonObject value) => (string)value["metadata"]!["uid"]!;

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _cluster.DisposeAsync();
        _data.Dispose();
        _work.Dispose();
    }
}
