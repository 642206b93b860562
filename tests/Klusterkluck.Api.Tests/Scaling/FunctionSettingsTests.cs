using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Scaling;

/// <summary>PATCH /api/v1/functions/{name}: validated as create is, the caller's own functions only, and in force once it answers (with ?wait=true).</summary>
public sealed class FunctionSettingsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task SettingsAreValidatedChangedOnlyByTheirOwnerAndPutInForce()
    {
        using var owner = await UserSession.StartAsync(fixture.Api, "settings");
        using var other = await UserSession.StartAsync(fixture.Api, "intruder");
        await owner.CreateFunctionAsync("tuned", "nodejs");
        await owner.WaitReadyAsync("tuned");

        foreach (var (settings, field) in new (object, string)[]
        {
            (new { minReplicas = -1 }, "MinReplicas"),
            (new { maxReplicas = 5000 }, "MaxReplicas"),
            (new { targetConcurrency = 5000 }, "TargetConcurrency"),
            (new { idleTimeoutSeconds = 0 }, "IdleTimeoutSeconds"),
            (new { minReplicas = 3, maxReplicas = 2 }, "maxReplicas"),
        })
        {
            var (status, body) = await ScaleToZeroTests.PatchAsync(owner, "tuned", settings);
            Assert.True(status == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(settings)} answered {(int)status}: {body}");
            Assert.True(body.GetProperty("errors").EnumerateObject().Any(e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase)), body.ToString());
        }
        var tooMany = await ScaleToZeroTests.PatchAsync(owner, "tuned", new { minReplicas = 500 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.Status);

        // Another user's function, and one that does not exist, are the same 404.
        var (intruded, _) = await ScaleToZeroTests.PatchAsync(other, "tuned", new { @public = true });
        Assert.Equal(HttpStatusCode.NotFound, intruded);
        Assert.Equal(HttpStatusCode.NotFound, (await ScaleToZeroTests.PatchAsync(owner, "nosuch", new { @public = true })).Status);
        Assert.False((await owner.GetFunctionAsync("tuned")).GetProperty("public").GetBoolean());

        var (changed, function) = await ScaleToZeroTests.PatchAsync(owner, "tuned",
            new { @public = true, minReplicas = 2, maxReplicas = 4, targetConcurrency = 10, idleTimeoutSeconds = 90 }, wait: true);
        Assert.Equal(HttpStatusCode.OK, changed);
        Assert.Equal("ready", function.GetProperty("state").GetString());
        Assert.True(function.GetProperty("public").GetBoolean());
        Assert.Equal(2, function.GetProperty("minReplicas").GetInt32());
        Assert.Equal(2, function.GetProperty("replicas").GetInt32());
        Assert.Equal(4, function.GetProperty("maxReplicas").GetInt32());
        Assert.Equal(10, function.GetProperty("targetConcurrency").GetInt32());
        Assert.Equal(90, function.GetProperty("idleTimeoutSeconds").GetInt32());
        Assert.Equal(2, function.GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("state").GetString() == "ready"));
        Assert.Equal(2, function.GetProperty("scale").GetProperty("ready").GetInt32());
        // Public now: it answers without a token.
        using var anonymous = await fixture.Api.Client.GetAsync($"/fn/{owner.Username}/tuned/?name=anyone");
        Assert.Equal("Hello, anyone!\n", await anonymous.Content.ReadAsStringAsync());

        // An absent setting stays; 0 clears an optional one.
        var (_, cleared) = await ScaleToZeroTests.PatchAsync(owner, "tuned", new { maxReplicas = 0, targetConcurrency = 0 }, wait: true);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("maxReplicas").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("targetConcurrency").ValueKind);
        Assert.Equal(2, cleared.GetProperty("minReplicas").GetInt32());
        Assert.True(cleared.GetProperty("public").GetBoolean());
    }

    [Fact]
    public async Task CreateTakesTheScaleSettingsUnderEitherNameOfTheMinimum()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "create");
        using var both = await user.Client.PostAsJsonAsync("/api/v1/functions", new { name = "both", kind = "static", replicas = 2, minReplicas = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("minReplicas", await both.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        using var created = await user.Client.PostAsJsonAsync("/api/v1/functions?wait=true",
            new { name = "lazy", kind = "static", minReplicas = 0, idleTimeoutSeconds = 30, targetConcurrency = 5 });
        var function = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, function.ToString());
        Assert.Equal(0, function.GetProperty("minReplicas").GetInt32());
        Assert.Equal(30, function.GetProperty("idleTimeoutSeconds").GetInt32());
        Assert.Equal(5, function.GetProperty("targetConcurrency").GetInt32());
        // A deploy starts one replica even with no minimum: it proves the commit serves.
        Assert.Equal("ready", function.GetProperty("state").GetString());
        Assert.Single(function.GetProperty("instances").EnumerateArray());
    }
}
