using System.Net;
using Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

namespace Klusterkluck.Api.Tests.Kubernetes;

/// <summary>An Api restarted on the Kubernetes runtime finds its functions serving and changes nothing in the cluster.</summary>
public sealed class KubernetesRestartTests
{
    [Fact]
    public async Task ARestartedApiRoutesToItsFunctionsWithoutRollingThemOut()
    {
        using var data = new TempFolder();
        await using var cluster = await FakeKubernetes.StartAsync();
        var port = ServiceProcess.FreePort();
        string user;
        string token;
        var first = await KubernetesFixture.StartApiAsync(cluster, data.Path, port: port);
        await using (first)
        {
            using var session = await UserSession.StartAsync(first, "restart");
            await session.CreateFunctionAsync("hello", "nodejs");
            await session.WaitReadyAsync("hello");
            (user, token) = (session.Username, session.AccessToken);
        }
        var ns = $"kk-{user}";
        var before = FakeKubernetes.Generation(cluster.Get("Deployment", ns, "hello")!);

        await using var second = await KubernetesFixture.StartApiAsync(cluster, data.Path, port: port);
        second.Client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            using var response = await second.Client.GetAsync($"/fn/{user}/hello/");
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline);

        // Routed to the Service (which does not resolve here: 502), not "not ready" (503).
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal(before, FakeKubernetes.Generation(cluster.Get("Deployment", ns, "hello")!));
    }
}
