using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Klusterkluck.Testing.Otlp;

namespace Klusterkluck.AppHost.Tests.Infrastructure;

/// <summary>
/// The AppHost started by Aspire.Hosting.Testing with its own data folder and port: DCP runs the
/// Api and the timer connector as real processes, and waits until both are healthy.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    private RunningApp(DistributedApplication app, int port)
    {
        App = app;
        Port = port;
    }

    public DistributedApplication App { get; }

    public int Port { get; }

    public string BaseUrl => $"http://localhost:{Port}";

    /// <summary>
    /// <paramref name="timerFunction"/> (<c>{user}/{function}</c>) is where the timer posts, every
    /// second. With <paramref name="receiver"/>, it stands in for the dashboard: the resources'
    /// OTLP exporters are pointed at it, over OTLP/HTTP (the dashboard takes gRPC too).
    /// </summary>
    public static async Task<RunningApp> StartAsync(string dataFolder, string timerFunction, OtlpReceiver? receiver = null)
    {
        var port = ServiceProcess.FreePort();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Klusterkluck_AppHost>(
        [
            $"--Api:Port={port}", $"--Api:DataFolder={dataFolder}",
            $"--Parameters:timer-function={timerFunction}", "--Parameters:timer-interval=1s",
        ]);
        if (receiver is not null)
        {
            builder.Configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = receiver.BaseUrl;
            foreach (var resource in builder.Resources.OfType<ProjectResource>())
            {
                builder.CreateResourceBuilder(resource).WithOtlpExporter(OtlpProtocol.HttpProtobuf);
            }
        }
        var journal = StartJournal.AddTo(builder);
        var app = await builder.BuildAsync();
        // A loaded two-core machine has taken more than two minutes to start DCP and the Api (it
        // builds nothing: the projects are built before the tests run), so the bound is generous,
        // and a start that still misses it says where it was.
        using var starting = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var following = new CancellationTokenSource();
        try
        {
            journal.Follow(app, following.Token);
            await app.StartAsync(starting.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", starting.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("timer", starting.Token);
        }
        catch (OperationCanceledException) when (starting.IsCancellationRequested)
        {
            var story = journal.Describe();
            await app.DisposeAsync();
            throw new TimeoutException($"The app did not start in 4 minutes, {story}");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        finally
        {
            await following.CancelAsync();
        }
        return new RunningApp(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
