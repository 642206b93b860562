namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>One embedded-provider Api shared by a test class; each test still registers its own user.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await ApiProcess.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        _data.Dispose();
    }
}
