namespace Klusterkluck.Api.Tests.Limits;

[CollectionDefinition(Name)]
public sealed class LimitsCollection : ICollectionFixture<LimitsFixture>
{
    public const string Name = "Limits";
}

/// <summary>One Api with every limit set low, so that each test crosses one quickly; each test has its own user.</summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public const int MaxFunctions = 3;
    public const int MaxRequestBytes = 64 * 1024;
    public const int MaxPushBytes = 1024 * 1024;

    private readonly TempFolder _data = new();

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await ApiProcess.StartAsync(_data.Path, new Dictionary<string, string>
    {
        ["Limits__MaxFunctionsPerUser"] = $"{MaxFunctions}",
        ["Limits__MaxFlowsPerUser"] = "1",
        ["Limits__MaxReplicasPerFunction"] = "2",
        ["Limits__MaxAutoscaleReplicasPerFunction"] = "3",
        ["Limits__MaxConnectorsPerFlow"] = "2",
        ["Limits__MinTimerInterval"] = "00:00:05",
        ["Limits__MaxRequestBytes"] = $"{MaxRequestBytes}",
        ["Limits__MaxPushBytes"] = $"{MaxPushBytes}",
    });

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        _data.Dispose();
    }
}
