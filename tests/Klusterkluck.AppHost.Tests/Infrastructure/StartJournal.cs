using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.AppHost.Tests.Infrastructure;

/// <summary>
/// What the app host did while it started: its own log (DCP's start and the resources' output
/// among it) and each resource's latest state. A start that does not finish in time fails with this in its
/// message, so a slow machine's failure says where the time went.
/// </summary>
public sealed class StartJournal : ILoggerProvider
{
    private const int Kept = 80;
    private readonly ConcurrentQueue<string> _host = new();
    private readonly ConcurrentDictionary<string, string> _states = new();
    private readonly DateTime _began = DateTime.UtcNow;

    public static StartJournal AddTo(IDistributedApplicationTestingBuilder builder)
    {
        var journal = new StartJournal();
        builder.Services.AddLogging(logging => logging.AddProvider(journal));
        return journal;
    }

    /// <summary>Follows the resources' states until <paramref name="stop"/>.</summary>
    public void Follow(DistributedApplication app, CancellationToken stop)
    {
        _ = Task.Run(async () =>
        {
            await foreach (var change in app.ResourceNotifications.WatchAsync(stop))
            {
                _states[change.Resource.Name] = $"{Elapsed()} {change.Snapshot.State?.Text ?? "?"}";
            }
        }, stop);
    }

    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"after {Elapsed()}; the resources' states:");
        foreach (var (name, state) in _states.OrderBy(s => s.Key))
        {
            text.AppendLine($"  {name}: {state}");
        }
        text.AppendLine("the app host's log (last lines):");
        foreach (var line in _host)
        {
            text.AppendLine("  " + line);
        }
        return text.ToString();
    }

    ILogger ILoggerProvider.CreateLogger(string categoryName) => new Writer(this, categoryName);

    void IDisposable.Dispose()
    {
    }

    private string Elapsed() => $"{(DateTime.UtcNow - _began).TotalSeconds:0.0} s";

    private static void Keep(ConcurrentQueue<string> lines, string line)
    {
        lines.Enqueue(line);
        while (lines.Count > Kept)
        {
            lines.TryDequeue(out _);
        }
    }

    private sealed class Writer(StartJournal journal, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Keep(journal._host, $"{journal.Elapsed()} {logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
