using System.Net.Http.Json;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;
using static Klusterkluck.Api.Tests.Limits.CountLimitsTests;

namespace Klusterkluck.Api.Tests.Limits;

/// <summary>The limits as shipped, with nothing configured.</summary>
public sealed class DefaultLimitsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AMillisecondTimerIsRefusedByDefault()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "default-timer");
        await user.CreateFunctionAsync("target", "static");

        using var created = await user.Client.PostAsJsonAsync("/api/v1/flows",
            new { name = "rapid", nodes = new[] { Timer("tick", "1ms"), Function("f", "target") }, edges = new[] { Edge("tick", "f") } });

        var problem = await AssertLimitAsync(created, "Limits:MinTimerInterval");
        Assert.Contains("at most once every 1s", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ElevenReplicasAreOverTheDefaultLimit()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "default-replicas");

        using var response = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "wide", kind = "static", replicas = 11 });

        await AssertLimitAsync(response, "Limits:MaxReplicasPerFunction");
    }
}
