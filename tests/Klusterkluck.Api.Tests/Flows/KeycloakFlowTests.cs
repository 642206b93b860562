using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>With Keycloak as the provider, the engine calls a private function with a token Keycloak exchanged for its owner.</summary>
public sealed class KeycloakFlowTests(KeycloakFixture fixture) : IClassFixture<KeycloakFixture>
{
    [Fact]
    public async Task AFlowStepCallsItsOwnersPrivateFunctionWithAnExchangedRealmToken()
    {
        using var owner = await UserSession.StartAsync(fixture.Api, "kcflow");
        await owner.CreateWithCodeAsync("whoami", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = (r) => `${r.body} for ${r.headers['x-klusterkluck-user']}`;\n",
        });
        await owner.CreateFlowAsync("realm-flow", [Http("in"), Function("me", "whoami")], [Edge("in", "me")]);
        await owner.DeployFlowAsync("realm-flow");

        var run = await owner.WaitRunAsync("realm-flow", await owner.SendEventAsync("realm-flow", "in", "called"));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal($"called for {owner.Username}", run.Step("me").OutputText());
        Assert.Contains(owner.Username, fixture.Keycloak.Exchanged);
    }
}
