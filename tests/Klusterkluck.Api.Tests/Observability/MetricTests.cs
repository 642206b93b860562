using System.Text;
using Klusterkluck.Testing.Otlp;
using static Klusterkluck.Api.Tests.Infrastructure.FlowClient;

namespace Klusterkluck.Api.Tests.Observability;

/// <summary>Invocations per function and connector deliveries reach the OTLP endpoint as metrics.</summary>
public sealed class MetricTests
{
    [Fact]
    public async Task InvocationsPerFunctionAndConnectorDeliveriesAreExported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, receiver.Environment);
        using var user = await UserSession.StartAsync(api, "metered");
        await user.CreateWithCodeAsync("counted", "nodejs", new Dictionary<string, string> { ["index.js"] = "module.exports = (r) => r.body || 'ok';\n" });
        Assert.Equal("ok", await user.CallTextAsync("counted"));
        await user.CreateFlowAsync("metered", [Connector("tick", "timer", ("KK_TIMER_INTERVAL", "1s")), Function("a", "counted")], [Edge("tick", "a")]);
        await user.DeployFlowAsync("metered");
        await user.WaitForRunAsync("metered", r => r.GetProperty("status").GetString() == "succeeded");

        for (var attempt = 0; attempt < 100 && !(Has("klusterkluck.function.invocations", $"{user.Username}/counted") && Has("klusterkluck.connector.deliveries", "Delivered")); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.True(Has("klusterkluck.function.invocations", $"{user.Username}/counted"), "no invocation count for the function");
        Assert.True(Has("klusterkluck.function.duration", $"{user.Username}/counted"), "no duration histogram for the function");
        Assert.True(Has("klusterkluck.connector.deliveries", "Delivered"), "no delivery count from the connector");
        Assert.True(Has("klusterkluck.connector.delivery.duration", "timer"), "no delivery duration from the connector");

        // Protobuf keeps strings as UTF-8 bytes: one export holding the metric's name and the tag value is the metric with that tag.
        bool Has(string metric, string tag) => receiver.MetricExports.Any(body => Encoding.UTF8.GetString(body) is var text
            && text.Contains(metric, StringComparison.Ordinal) && text.Contains(tag, StringComparison.Ordinal));
    }
}
