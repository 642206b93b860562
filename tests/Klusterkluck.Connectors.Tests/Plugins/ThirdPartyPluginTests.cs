namespace Klusterkluck.Connectors.Tests.Plugins;

public class ThirdPartyPluginTests
{
    /// <summary>A plugins folder holding the sample plugin, built apart from the host, and a folder that is no plugin.</summary>
    private static TempFolder PluginsFolder()
    {
        var folder = new TempFolder();
        var sample = Directory.CreateDirectory(Path.Combine(folder.Path, "Klusterkluck.Connectors.Sample")).FullName;
        foreach (var file in Directory.EnumerateFiles(ConnectorHost.SamplePluginFolder))
        {
            File.Copy(file, Path.Combine(sample, Path.GetFileName(file)));
        }
        var broken = Directory.CreateDirectory(Path.Combine(folder.Path, "Broken")).FullName;
        File.WriteAllText(Path.Combine(broken, "Broken.dll"), "not an assembly");
        return folder;
    }

    [Fact]
    public async Task PluginBuiltWithoutTheHostLoadsAndDeliversInOrder()
    {
        using var plugins = PluginsFolder();
        await using var receiver = await Receiver.StartAsync();
        await using var host = await ConnectorHost.StartAsync(new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "sequence",
            ["KK_TARGET_URL"] = receiver.Url(),
            ["KK_PLUGINS_PATH"] = plugins.Path,
            ["KK_SEQUENCE_COUNT"] = "20",
        });

        var received = await receiver.WaitForAsync(20);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"item-{i}"), received.Select(r => r.Body));
        Assert.Equal("sequence", received[0].Header("KK-Connector"));
    }

    [Fact]
    public async Task ConnectorThatStopsByItselfIsDrainedThenExitsWithAnError()
    {
        using var plugins = PluginsFolder();
        await using var receiver = await Receiver.StartAsync();
        var host = ServiceProcess.Start(ConnectorHost.Assembly, new Dictionary<string, string>
        {
            ["KK_CONNECTOR"] = "sequence",
            ["KK_TARGET_URL"] = receiver.Url(),
            ["KK_PLUGINS_PATH"] = plugins.Path,
            ["KK_SEQUENCE_COUNT"] = "50",
            ["KK_SEQUENCE_THEN_EXIT"] = "true",
        });
        await using var _ = host;

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(50, receiver.Accepted.Count);
        Assert.Contains("Connector sequence stopped by itself", host.Output);
    }

    [Fact]
    public void ListShowsThePluginAndWarnsAboutWhatCouldNotLoad()
    {
        using var plugins = PluginsFolder();

        var (exitCode, output, error) = ConnectorHost.Run(new Dictionary<string, string> { ["KK_PLUGINS_PATH"] = plugins.Path }, "--list");

        Assert.Equal(0, exitCode);
        Assert.Contains("sequence: Sends a numbered sequence of text payloads", output);
        Assert.Contains("  KK_SEQUENCE_COUNT (required, positive-integer): How many payloads to send", output);
        Assert.Contains("Broken could not be loaded: BadImageFormatException", error);
    }
}
