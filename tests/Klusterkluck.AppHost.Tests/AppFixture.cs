using Aspire.Hosting.Testing;
using Klusterkluck.AppHost.Tests.Infrastructure;
using Klusterkluck.Testing.Otlp;

namespace Klusterkluck.AppHost.Tests;

/// <summary>
/// One run of the AppHost for <see cref="AppHostTests"/>: a data folder of its own, the OTLP
/// receiver in the dashboard's place, and the timer posting to <see cref="Ticker"/>'s public
/// function <c>tick</c>, which the fixture creates once the Api is up.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    public OtlpReceiver Receiver { get; private set; } = null!;

    public RunningApp Run { get; private set; } = null!;

    public PlatformUser Ticker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        var ticker = $"ticker-{Guid.NewGuid():N}"[..16];
        Run = await RunningApp.StartAsync(_data.Path, $"{ticker}/tick", Receiver);
        using var api = Run.App.CreateHttpClient("api");
        Ticker = await PlatformUser.RegisterAsync(api, ticker);
        await Ticker.CreateFunctionAsync("tick", "nodejs", isPublic: true);
        await Ticker.PushAndDeployAsync("tick", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = (r) => { console.log('tick ' + JSON.stringify(r.body)); return 'ok'; };\n",
        });
    }

    public async Task DisposeAsync()
    {
        // Each part exists only if the start got that far (a failed start leaves the rest unset).
        Ticker?.Dispose();
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
        _data.Dispose();
    }
}
