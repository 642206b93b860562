namespace Klusterkluck.Api.Tests.Functions;

/// <summary>With Keycloak as the provider, workers validate the realm's tokens and git accepts realm passwords.</summary>
public sealed class KeycloakFunctionTests(KeycloakFixture fixture) : IClassFixture<KeycloakFixture>
{
    [Fact]
    public async Task FunctionsOfAKeycloakUserAnswerTheirRealmTokensOnly()
    {
        using var owner = await UserSession.StartAsync(fixture.Api, "kcowner");
        using var other = await UserSession.StartAsync(fixture.Api, "kcother");
        await owner.CreateFunctionAsync("realm", "nodejs");
        await owner.WaitReadyAsync("realm");

        Assert.Equal("Hello, realm!\n", await owner.CallTextAsync("realm", "?name=realm"));
        using (var stranger = await other.CallAsync("realm", owner: owner.Username))
        {
            await stranger.AssertProblemAsync(404);
        }
        // A token from another key (not the realm's) is refused by the worker.
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/fn/{owner.Username}/realm/");
        forged.Headers.Authorization = new("Bearer", fixture.Keycloak.AccessToken(owner.Username, "klusterkluck", foreignKey: true));
        using (var refused = await fixture.Api.Client.SendAsync(forged))
        {
            await refused.AssertProblemAsync(401);
        }

        // Git checks the password against the realm.
        using var clone = Clone.Of(owner, "realm");
        Assert.True(File.Exists(Path.Combine(clone.Path, "index.js")));
    }
}
