using Klusterkluck.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Tests.Functions;

/// <summary>Functions on each store provider, through the real Api: their rows, their restarts, their failures.</summary>
public sealed class FunctionStoreTests
{
    public static TheoryData<StoreProvider> Providers => [StoreProvider.Sqlite, StoreProvider.PostgreSQL];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AFunctionsStateIsStoredEvenWhenItsErrorIsHuge(StoreProvider provider)
    {
        await using var store = TestStore.Create(provider);
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, store.ApiEnvironment());
        using var user = await UserSession.StartAsync(api, "stored");
        var first = await user.CreateWithCodeAsync("loud", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = () => 'ok';\n" });

        // A handler whose load fails with a 5000-character message: longer than the error column.
        using var clone = Clone.Of(user, "loud");
        var broken = clone.Write("index.js", "throw new Error('x'.repeat(5000));\n").CommitAndPush("Fails loudly");
        await user.DeployAsync("loud", broken);
        var function = await user.WaitDeployedAsync("loud");

        Assert.Equal("failed", function.GetProperty("state").GetString());
        var error = function.GetProperty("deployment").GetProperty("error").GetString()!;
        Assert.InRange(error.Length, 100, Api.Functions.Function.MaxErrorLength);
        await using var db = store.Open();
        var row = await db.Functions.SingleAsync(f => f.Owner == user.Username && f.Name == "loud");
        Assert.Equal(first, row.DeployedCommit);
        Assert.Equal(broken, row.TargetCommit);
        Assert.Equal("ok", await user.CallTextAsync("loud"));
    }
}
