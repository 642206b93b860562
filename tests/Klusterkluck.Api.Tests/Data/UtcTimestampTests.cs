using System.Text.Json;
using System.Text.RegularExpressions;
using Klusterkluck.Api.Data;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Data;

/// <summary>Every time the Api answers is UTC and says so (ends in Z), on each store: as created and as read back.</summary>
public sealed partial class UtcTimestampTests
{
    public static TheoryData<StoreProvider> Providers => [StoreProvider.Sqlite, StoreProvider.PostgreSQL];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryTimestampReadBackIsUtcWithZ(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        using var data = new TempFolder();
        var environment = new Dictionary<string, string>(QuickEngine);
        foreach (var (name, value) in store.ApiEnvironment())
        {
            environment[name] = value;
        }
        await using var api = await ApiProcess.StartAsync(data.Path, environment);
        using var user = await UserSession.StartAsync(api, "utc");
        await user.CreateWithCodeAsync("upper", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.body.toUpperCase();\n" });
        await user.CreateFlowAsync("dated", [Http("in"), Function("a", "upper")], [Edge("in", "a")]);
        await user.DeployFlowAsync("dated");
        var run = await user.WaitRunAsync("dated", await user.SendEventAsync("dated", "in", "when"));
        var step = run.Step("a").GetProperty("id").GetGuid();

        var timestamps = new List<(string Where, string Value)>();
        foreach (var path in new[]
        {
            "/api/v1/functions", "/api/v1/functions/upper", "/api/v1/functions/upper/versions", "/api/v1/functions/upper/logs",
            "/api/v1/flows", "/api/v1/flows/dated", "/api/v1/flows/dated/runs", $"/api/v1/flows/dated/runs/{run.GetProperty("id")}",
            $"/api/v1/flows/dated/runs/{run.GetProperty("id")}/steps/{step}",
        })
        {
            Collect(path, await user.Client.GetFromJsonAsyncOk(path), timestamps);
        }

        foreach (var field in new[] { "createdAt", "updatedAt", "deployedAt", "acceptedAt", "finishedAt", "startedAt", "time" })
        {
            Assert.Contains(timestamps, t => t.Where.EndsWith($".{field}", StringComparison.Ordinal));
        }
        Assert.All(timestamps, t => Assert.True(t.Value.EndsWith('Z'), $"{t.Where} is {t.Value}"));
    }

    /// <summary>Every string in <paramref name="json"/> that is a date and time, with where it is.</summary>
    private static void Collect(string where, JsonElement json, List<(string, string)> found)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    Collect($"{where}.{property.Name}", property.Value, found);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    Collect($"{where}[{i++}]", item, found);
                }
                break;
            case JsonValueKind.String when DateTimeLike().IsMatch(json.GetString()!):
                found.Add((where, json.GetString()!));
                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex DateTimeLike();
}
