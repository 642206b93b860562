using Aspire.Hosting.Testing;
using Klusterkluck.AppHost.Tests.Infrastructure;

namespace Klusterkluck.AppHost.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StoppingTheAppLeavesNoApiWorkerOrConnectorProcessBehind()
    {
        using var data = new TempFolder();
        var run = await RunningApp.StartAsync(data.Path, "nobody/none");
        List<KeyValuePair<int, string>> ours;
        try
        {
            using var api = run.App.CreateHttpClient("api");
            using var user = await PlatformUser.RegisterAsync(api, $"stops-{Guid.NewGuid():N}"[..14]);
            await user.CreateFunctionAsync("warm", "nodejs");
            await user.CreateFunctionAsync("shell", "exec");
            // The app's processes: the Api (its data folder), its workers (their repositories are in
            // it), the connector (it posts to the Api's port), and whatever those started (node).
            var roots = Processes.WithEnvironment(data.Path, $"localhost:{run.Port}/fn/");
            ours = roots.Concat(Processes.Descendants([.. roots.Keys])).DistinctBy(p => p.Key).ToList();
            Assert.Contains(ours, p => p.Value.Contains("Klusterkluck.Worker", StringComparison.Ordinal));
            Assert.Contains(ours, p => p.Value.Contains("shim.mjs", StringComparison.Ordinal));
            Assert.Contains(ours, p => p.Value.Contains("Klusterkluck.Connectors", StringComparison.Ordinal));
            Assert.Contains(ours, p => p.Value.Contains("Klusterkluck.Api", StringComparison.Ordinal));
        }
        finally
        {
            await run.DisposeAsync();
        }

        var left = new List<string>();
        foreach (var (pid, command) in ours)
        {
            if (!await Processes.WaitGoneAsync(pid, TimeSpan.FromSeconds(20)))
            {
                left.Add($"{pid} {command}");
            }
        }
        Assert.Empty(left);
    }
}
