namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>The Keycloak double and an Api configured for the Keycloak provider against it.</summary>
public sealed class KeycloakFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    public KeycloakDouble Keycloak { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Keycloak = await KeycloakDouble.StartAsync();
        Api = await ApiProcess.StartAsync(_data.Path, Keycloak.ApiEnvironment());
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Keycloak.DisposeAsync();
        _data.Dispose();
    }
}
