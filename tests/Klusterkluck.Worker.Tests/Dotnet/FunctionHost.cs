using System.Collections.Concurrent;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Runtime;
using Klusterkluck.Worker.Runtime.Dotnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.Worker.Tests.Dotnet;

/// <summary>
/// A built dotnet function served by the worker's <see cref="DotnetRuntime"/> in this process,
/// behind a real Kestrel on a loopback port, as the worker serves it (without its git checkout).
/// </summary>
/// <remarks>The runtime changes the process's environment and current directory; the latter is put back.</remarks>
internal sealed class FunctionHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DotnetRuntime _runtime;
    private readonly string _currentDirectory;

    private FunctionHost(WebApplication app, DotnetRuntime runtime, string currentDirectory, CapturedLogs logs)
    {
        _app = app;
        _runtime = runtime;
        _currentDirectory = currentDirectory;
        Logs = logs;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>What the worker logged, one entry a line, exceptions included.</summary>
    public CapturedLogs Logs { get; }

    /// <param name="tree">The built tree; its klusterkluck.yaml is read, then changed by <paramref name="configure"/>.</param>
    public static async Task<FunctionHost> StartAsync(string tree, Func<FunctionConfig, FunctionConfig>? configure = null)
    {
        var config = FunctionConfigReader.Load(tree);
        config = configure?.Invoke(config) ?? config;
        var logs = new CapturedLogs();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProblemDetails();
        builder.Logging.ClearProviders().AddProvider(logs);
        var app = builder.Build();
        var currentDirectory = Environment.CurrentDirectory;
        var runtime = new DotnetRuntime(new LoadedFunction("alice/hello", "0123456789ab", tree, config), app.Services.GetRequiredService<ILoggerFactory>());
        try
        {
            await runtime.StartAsync(CancellationToken.None);
            app.Run(runtime.HandleAsync);
            await app.StartAsync();
        }
        catch
        {
            Environment.CurrentDirectory = currentDirectory;
            await runtime.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
        return new FunctionHost(app, runtime, currentDirectory, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _runtime.DisposeAsync();
        Environment.CurrentDirectory = _currentDirectory;
    }
}

/// <summary>Log entries kept in memory: "Level Category: message", then the exception if any.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public string Text => string.Join('\n', _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
        }
    }
}
