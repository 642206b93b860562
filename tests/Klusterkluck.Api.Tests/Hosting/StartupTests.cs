namespace Klusterkluck.Api.Tests.Hosting;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Store__Provider", "PostgreSQL", "Store:ConnectionString is required")]
    [InlineData("Store__Provider", "Oracle", "Store")]
    [InlineData("Identity__Issuer", "not a url", "Identity:Issuer")]
    public async Task ABadSettingEndsTheApiWithOneLine(string name, string value, string expected)
    {
        using var data = new TempFolder();
        await using var api = ApiProcess.Start(data.Path, new Dictionary<string, string> { [name] = value });
        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(api.Output.Split('\n'), l => l.StartsWith("klusterkluck-api: ", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableStoreEndsTheApiWithOneLine()
    {
        using var data = new TempFolder();
        await using var api = ApiProcess.Start(data.Path, new Dictionary<string, string>
        {
            ["Store__Provider"] = "PostgreSQL",
            ["Store__ConnectionString"] = $"Host=127.0.0.1;Port={ServiceProcess.FreePort()};Username=nobody;Timeout=3",
        });
        Assert.Equal(1, await api.WaitForExitAsync());
        Assert.Contains("klusterkluck-api: ", api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeycloakWithoutItsSettingsEndsTheApiWithOneLine()
    {
        using var data = new TempFolder();
        await using var api = ApiProcess.Start(data.Path, new Dictionary<string, string> { ["Identity__Provider"] = "Keycloak" });
        Assert.Equal(1, await api.WaitForExitAsync());
        Assert.Contains("klusterkluck-api: ", api.Output, StringComparison.Ordinal);
        Assert.Contains("realm", api.Output, StringComparison.Ordinal);
    }
}
